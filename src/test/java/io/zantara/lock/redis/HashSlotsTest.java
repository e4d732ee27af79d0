package io.zantara.lock.redis;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HashSlotsTest {

    @Test
    void slot_matchesRedisClusterSpecification() {
        // The examples of the CLUSTER KEYSLOT documentation.
        assertEquals(11058, HashSlots.slot("somekey"));
        assertEquals(2515, HashSlots.slot("foo{hash_tag}"));
        assertEquals(2515, HashSlots.slot("bar{hash_tag}"));
        assertEquals(0x31C3, HashSlots.crc16("123456789".getBytes()));
    }

    @Test
    void lockAndFenceKeys_ofOneResource_shareASlot() {
        assertEquals(HashSlots.slot(RedisLeases.lockKey("memory:alice")), HashSlots.slot(RedisLeases.fenceKey("memory:alice")));
        assertEquals(HashSlots.slot("memory:alice"), HashSlots.slot(RedisLeases.lockKey("memory:alice")));
    }
}
