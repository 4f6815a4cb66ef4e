package io.catena.node.transport;

/** A frame that cannot be decoded: the link it came on is closed. */
public final class FrameFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FrameFormatException(String message) {
        super(message);
    }
}
