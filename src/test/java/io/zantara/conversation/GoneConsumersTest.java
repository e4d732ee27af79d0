package io.zantara.conversation;

import io.zantara.conversation.ConversationOutbox.Consumer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GoneConsumersTest {

    @Test
    void onlyIdleConsumersWithNothingPending_andNeverThisReplica() {
        List<Consumer> consumers = List.of(
                new Consumer("gone", 0, 7_200_000),
                new Consumer("died-holding-entries", 3, 7_200_000),
                new Consumer("alive", 0, 800),
                new Consumer("me", 0, 7_200_000),
                new Consumer("just-at-the-limit", 0, 3_600_000));

        assertEquals(List.of("gone"), ConversationOutbox.gone(consumers, "me", 3_600_000));
    }
}
