package dev.herald.inbox;

/**
 * Sends one email as multipart/alternative: {@code text} (text/plain) and {@code html} (text/html,
 * already escaped by the caller); throws when the server did not accept it.
 */
public interface Mailer {

    void send(String to, String subject, String text, String html) throws Exception;
}
