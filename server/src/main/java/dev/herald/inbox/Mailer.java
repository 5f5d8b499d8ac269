package dev.herald.inbox;

/** Sends one plain-text email; throws when the server did not accept it. */
public interface Mailer {

    void send(String to, String subject, String body) throws Exception;
}
