package io.zantara.testing;

import java.util.Arrays;
import java.util.Optional;

import static io.restassured.RestAssured.given;

/** Reads series from the service's own {@code /metrics} (Prometheus text format). */
public final class Metrics {

    private Metrics() {
    }

    public static String scrape() {
        return given().accept("text/plain").when().get("/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The value of the first series of {@code name} whose labels include every {@code label="value"}
     * pair given, e.g. {@code value(scrape(), "zantara_memory_lock_timeout_total", "user_id", "alice")}.
     */
    public static Optional<Double> value(String exposition, String name, String... labelPairs) {
        return Arrays.stream(exposition.split("\n"))
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> {
                    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                        if (!line.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"")) {
                            return false;
                        }
                    }
                    return true;
                })
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst();
    }
}
