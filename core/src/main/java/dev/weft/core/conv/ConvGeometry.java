package dev.weft.core.conv;

/**
 * The sizes of one 2-D convolution over NCHW images: input {@code [batch, inChannels, height, width]}, weights
 * {@code [outChannels, inChannels, kernelHeight, kernelWidth]}, output {@code [batch, outChannels, outHeight,
 * outWidth]}. Padding is zero fill: {@code padTop}/{@code padLeft} rows/columns before the image.
 */
public record ConvGeometry(int batch, int inChannels, int height, int width,
                           int outChannels, int kernelHeight, int kernelWidth, int stride,
                           int padTop, int padLeft, int outHeight, int outWidth) {

    public ConvGeometry {
        if (batch < 1 || inChannels < 1 || height < 1 || width < 1 || outChannels < 1 || kernelHeight < 1
                || kernelWidth < 1 || stride < 1 || outHeight < 1 || outWidth < 1 || padTop < 0 || padLeft < 0) {
            throw new IllegalArgumentException("invalid convolution geometry " + this);
        }
    }

    /** No padding: every window lies inside the image, {@code outHeight = (height - kernelHeight) / stride + 1}. */
    public static ConvGeometry valid(int batch, int inChannels, int height, int width, int outChannels,
                                     int kernelHeight, int kernelWidth, int stride) {
        if (height < kernelHeight || width < kernelWidth) {
            throw new IllegalArgumentException("a " + kernelHeight + "x" + kernelWidth + " kernel does not fit a "
                    + height + "x" + width + " input with valid padding");
        }
        return new ConvGeometry(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, stride,
                0, 0, (height - kernelHeight) / stride + 1, (width - kernelWidth) / stride + 1);
    }

    /**
     * Zero padding as Keras' "same": {@code outHeight = ceil(height / stride)}, the padding split evenly with the odd
     * row or column at the bottom or right.
     */
    public static ConvGeometry same(int batch, int inChannels, int height, int width, int outChannels,
                                    int kernelHeight, int kernelWidth, int stride) {
        int outH = (height + stride - 1) / stride;
        int outW = (width + stride - 1) / stride;
        int padTop = Math.max(0, (outH - 1) * stride + kernelHeight - height) / 2;
        int padLeft = Math.max(0, (outW - 1) * stride + kernelWidth - width) / 2;
        return new ConvGeometry(batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, stride,
                padTop, padLeft, outH, outW);
    }

    /** The same geometry for another batch size. */
    public ConvGeometry withBatch(int newBatch) {
        return new ConvGeometry(newBatch, inChannels, height, width, outChannels, kernelHeight, kernelWidth, stride,
                padTop, padLeft, outHeight, outWidth);
    }

    public int inputSize() {
        return batch * inChannels * height * width;
    }

    public int outputSize() {
        return batch * outChannels * outHeight * outWidth;
    }

    public int weightSize() {
        return outChannels * inChannels * kernelHeight * kernelWidth;
    }

    /** Multiply-adds times two of the forward pass. */
    public long forwardFlops() {
        return 2L * batch * outChannels * outHeight * outWidth * inChannels * kernelHeight * kernelWidth;
    }
}
