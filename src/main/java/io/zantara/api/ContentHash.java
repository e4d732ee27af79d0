package io.zantara.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/** Content identities shared by the domain features: SHA-256 in hex, of the text as is or normalized. */
public final class ContentHash {

    private ContentHash() {
    }

    /** The hash of exactly this text (documents: any change is a new version). */
    public static String of(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * The hash of the text Unicode-normalized (NFKC), case-folded, whitespace collapsed: "Likes  Tea"
     * and "likes tea" are the same fact.
     */
    public static String ofNormalized(String text) {
        return of(Normalizer.normalize(text, Normalizer.Form.NFKC).strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT));
    }
}
