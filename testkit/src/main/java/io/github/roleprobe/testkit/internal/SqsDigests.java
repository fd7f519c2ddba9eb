package io.github.roleprobe.testkit.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The MD5 digests SQS answers for a message and its attributes, computed the way the AWS SDKs check
 * them ({@code MD5OfMessageBody}, {@code MD5OfMessageAttributes}): the SDK fails a
 * {@code SendMessage} or {@code ReceiveMessage} whose digests do not match. Stateless, thread-safe.
 */
public final class SqsDigests {

    private SqsDigests() {
    }

    /**
     * @param body the message body
     * @return the lower-case hex MD5 of its UTF-8 bytes
     */
    public static String body(String body) {
        MessageDigest md5 = md5();
        md5.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md5.digest());
    }

    /**
     * @param attributes message attributes as sent in JSON: name to an object with {@code DataType} and
     *                   {@code StringValue} or {@code BinaryValue} (base64)
     * @return the lower-case hex MD5 SQS answers for them (names sorted; each name, data type and value
     *     prefixed with its 4-byte big-endian length; a transport byte 1 for strings, 2 for binary)
     * @throws IllegalArgumentException if an attribute has no data type or no value, or a binary value
     *     is not base64
     */
    public static String attributes(Map<String, ?> attributes) {
        MessageDigest md5 = md5();
        List<String> names = new ArrayList<>(attributes.keySet());
        Collections.sort(names);
        for (String name : names) {
            if (!(attributes.get(name) instanceof Map<?, ?> value)) {
                throw new IllegalArgumentException("The message attribute '" + name + "' must contain a value.");
            }
            Object dataType = value.get("DataType");
            if (!(dataType instanceof String type)) {
                throw new IllegalArgumentException("The message attribute '" + name + "' must contain a data type.");
            }
            lengthAndBytes(md5, name.getBytes(StandardCharsets.UTF_8));
            lengthAndBytes(md5, type.getBytes(StandardCharsets.UTF_8));
            if (value.get("StringValue") instanceof String text) {
                md5.update((byte) 1);
                lengthAndBytes(md5, text.getBytes(StandardCharsets.UTF_8));
            } else if (value.get("BinaryValue") instanceof String base64) {
                md5.update((byte) 2);
                lengthAndBytes(md5, Base64.getDecoder().decode(base64));
            } else {
                throw new IllegalArgumentException("The message attribute '" + name
                        + "' must contain a non-empty message attribute value.");
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static void lengthAndBytes(MessageDigest md5, byte[] bytes) {
        md5.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        md5.update(bytes);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
