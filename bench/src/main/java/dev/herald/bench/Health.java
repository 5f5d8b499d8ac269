package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.HttpURLConnection;
import java.net.URL;

/** Reads {@code data.connections} from a server's /health (Herald and both baselines report it). */
final class Health {
    private Health() {}

    static long connections(ServerUnderTest server) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + server.host() + ":" + server.port() + "/health").openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            JsonNode body = Worker.JSON.readTree(c.getInputStream());
            return body.path("data").path("connections").asLong(-1);
        } catch (Exception e) {
            return -1;
        }
    }
}
