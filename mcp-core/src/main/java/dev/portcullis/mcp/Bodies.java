package dev.portcullis.mcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/** Reading whole HTTP message bodies on the relay path, for both the gateway's server and its upstream client. */
public final class Bodies {
    /** Bodies up to this size are read into one buffer allocated from their declared length. */
    public static final int PREALLOCATE_MAX = 1024 * 1024;

    private Bodies() {
    }

    /**
     * Reads a whole body. With a declared length of at most {@link #PREALLOCATE_MAX} the buffer is allocated
     * once at that size (otherwise {@code readNBytes} works through 16 KiB buffers, on every call of a busy
     * relay); a larger, missing or negative length is read as the bytes arrive, so a lying header cannot
     * make the reader allocate up front.
     *
     * @param body     the body
     * @param declared its {@code Content-Length}, if known
     * @param max      the largest body accepted
     * @return the body; {@code max + 1} bytes long when it is larger than {@code max}
     * @throws EOFException when the body ends before its declared length
     */
    public static byte[] read(InputStream body, OptionalLong declared, int max) throws IOException {
        long length = declared.orElse(-1);
        if (length < 0 || length > Math.min(max, PREALLOCATE_MAX)) {
            return body.readNBytes(max == Integer.MAX_VALUE ? max : max + 1);
        }
        byte[] bytes = new byte[(int) length];
        int read = body.readNBytes(bytes, 0, bytes.length);
        if (read < bytes.length) {
            throw new EOFException("body ended after " + read + " of " + length + " bytes");
        }
        return bytes;
    }
}
