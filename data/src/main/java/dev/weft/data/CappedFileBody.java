package dev.weft.data;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Writes a download's body to a file, refusing it once it declares or delivers more than {@code cap} bytes, so a
 * hostile or broken server cannot fill the disk. Used by {@link FashionMnistLoader#download()}.
 */
final class CappedFileBody implements HttpResponse.BodySubscriber<Void>, AutoCloseable {
    private final FileChannel channel;
    private final URI uri;
    private final long cap;
    private final CompletableFuture<Void> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    // Volatile: the handler, the delivering thread and the waiting caller are different threads.
    private volatile long declared = -1;
    /** Bytes written so far. */
    volatile long received;
    /** {@link System#nanoTime()} when the headers or the last bytes arrived, for the stall timeout. */
    volatile long lastProgress = System.nanoTime();

    CappedFileBody(Path file, URI uri, long cap) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.uri = uri;
        this.cap = cap;
    }

    CappedFileBody expecting(long contentLength) {
        declared = contentLength;
        lastProgress = System.nanoTime();
        return this;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declared > cap) {
            fail(new IOException(uri + " announces " + declared + " bytes (Content-Length), more than "
                    + cap + ", the most this file may have"));
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer buffer : buffers) {
                if (buffer.remaining() > cap - received) {
                    fail(new IOException(uri + " sent more than " + cap + " bytes, the most this file may have"));
                    return;
                }
                received += buffer.remaining();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            lastProgress = System.nanoTime();
            subscription.request(1);
        } catch (IOException e) {
            fail(e);
        }
    }

    @Override
    public void onError(Throwable failure) {
        closeChannel();
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        try {
            channel.close();
            result.complete(null);
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public CompletionStage<Void> getBody() {
        return result;
    }

    private void fail(IOException failure) {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        closeChannel();
        result.completeExceptionally(failure);
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The partial file is deleted by the caller; a failed close loses nothing.
        }
    }

    /** Stops writing (a later delivery fails on the closed channel and cancels the transfer). */
    @Override
    public void close() {
        closeChannel();
    }
}
