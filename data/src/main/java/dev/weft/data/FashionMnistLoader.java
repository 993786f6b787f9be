package dev.weft.data;

import dev.weft.core.AtomicFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds Fashion-MNIST without configuration, and optionally downloads it.
 *
 * <p>Places, in order: an explicit directory ({@link #load(Path)}; nothing else is tried), the environment variable
 * {@value #ENV_DIR} (if set, it must hold the data), {@code ./data/fashion-mnist}, the user cache
 * {@code ~/.cache/weft/fashion-mnist}, and the Debian/Ubuntu package location {@code /usr/share/datasets/fashion-mnist}
 * (package {@code dataset-fashion-mnist}). If none has it and downloads are allowed, the four official files are
 * downloaded into the user cache: each to a temporary name, then all four are read and verified (gzip integrity,
 * IDX structure, SHA-256), and only then renamed; a failed, interrupted or corrupt download leaves nothing behind.
 * The download is bounded: a body larger than {@link #MAX_DOWNLOAD_BYTES} gives for its file is refused (from its
 * {@code Content-Length} before a byte is read, else as soon as the bytes received pass it), connecting and every
 * pause between bytes may take at most 30 seconds, and the four files together at most the time set by
 * {@link #withTimeout(Duration)} (ten minutes by default). Otherwise a {@link DatasetNotFoundException} lists every
 * place searched and the fixes.
 *
 * <pre>{@code
 * FashionMnist data = FashionMnistLoader.fromSystem().withDownload(true).load();
 * // tests and embedders inject the environment:
 * FashionMnistLoader loader = FashionMnistLoader.of(Map.of(), home, workingDirectory)
 *         .withSystemDirectory(tmp.resolve("none")).withBaseUrl(URI.create("http://127.0.0.1:8080/"));
 * }</pre>
 *
 * <p>Immutable; the {@code with…} methods return a changed copy.
 */
public final class FashionMnistLoader {
    /** Environment variable naming a directory with the data. */
    public static final String ENV_DIR = "FASHION_MNIST_DIR";
    /** Environment variable that, set to {@code true} or {@code 1}, allows the download in {@link #fromSystem()}. */
    public static final String ENV_DOWNLOAD = "FASHION_MNIST_DOWNLOAD";
    /** Environment variable overriding the download base URL in {@link #fromSystem()}. */
    public static final String ENV_BASE_URL = "FASHION_MNIST_BASE_URL";
    /** Where the official files are published (Zalando Research). */
    public static final URI OFFICIAL_BASE_URL =
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");
    /** Where the Debian/Ubuntu package {@code dataset-fashion-mnist} installs the files. */
    public static final Path SYSTEM_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /**
     * The largest body accepted for each downloaded file ({@code NAME.gz}): the size of the official file
     * decompressed plus 1 MiB, since gzip never makes data meaningfully larger (stored blocks add 5 bytes in 64 KB)
     * and a mirror may compress differently from the original.
     */
    public static final Map<String, Long> MAX_DOWNLOAD_BYTES = Map.of(
            "train-images-idx3-ubyte.gz", 47_040_016L + (1 << 20),
            "train-labels-idx1-ubyte.gz", 60_008L + (1 << 20),
            "t10k-images-idx3-ubyte.gz", 7_840_016L + (1 << 20),
            "t10k-labels-idx1-ubyte.gz", 10_008L + (1 << 20));
    /** Longest wait to connect, and for the next bytes of an answer, before the download is given up. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> environment;
    private final Path home;
    private final Path workingDirectory;
    private final Path systemDirectory;
    private final boolean download;
    private final URI baseUrl;
    private final boolean checksums;
    private final Duration timeout;

    private FashionMnistLoader(Map<String, String> environment, Path home, Path workingDirectory,
                               Path systemDirectory, boolean download, URI baseUrl, boolean checksums,
                               Duration timeout) {
        this.environment = environment;
        this.home = home;
        this.workingDirectory = workingDirectory;
        this.systemDirectory = systemDirectory;
        this.download = download;
        this.baseUrl = baseUrl;
        this.checksums = checksums;
        this.timeout = timeout;
    }

    /**
     * A loader for this process: its environment, {@code user.home}, {@code user.dir}. Downloads are off unless
     * {@value #ENV_DOWNLOAD} is {@code true}/{@code 1}; {@value #ENV_BASE_URL} overrides the base URL.
     */
    public static FashionMnistLoader fromSystem() {
        Map<String, String> env = System.getenv();
        String allow = env.getOrDefault(ENV_DOWNLOAD, "");
        String base = env.get(ENV_BASE_URL);
        return of(env, Path.of(System.getProperty("user.home")), Path.of(System.getProperty("user.dir")))
                .withDownload(allow.equalsIgnoreCase("true") || allow.equals("1"))
                .withBaseUrl(base != null && !base.isBlank() ? URI.create(base) : OFFICIAL_BASE_URL);
    }

    /** A loader with an injected environment, home and working directory; downloads off, checksums on. */
    public static FashionMnistLoader of(Map<String, String> environment, Path home, Path workingDirectory) {
        return new FashionMnistLoader(Map.copyOf(environment), home, workingDirectory, SYSTEM_DIRECTORY, false,
                OFFICIAL_BASE_URL, true, Duration.ofMinutes(10));
    }

    /** Replaces {@code /usr/share/datasets/fashion-mnist} (for tests). */
    public FashionMnistLoader withSystemDirectory(Path directory) {
        return new FashionMnistLoader(environment, home, workingDirectory, directory, download, baseUrl, checksums,
                timeout);
    }

    /** Allows (or forbids) downloading the four official files into the user cache when nothing is found. */
    public FashionMnistLoader withDownload(boolean allowed) {
        return new FashionMnistLoader(environment, home, workingDirectory, systemDirectory, allowed, baseUrl,
                checksums, timeout);
    }

    /** Downloads from {@code base} (the file names are appended) instead of the official location. */
    public FashionMnistLoader withBaseUrl(URI base) {
        String s = base.toString();
        URI normalized = s.endsWith("/") ? base : URI.create(s + "/");
        return new FashionMnistLoader(environment, home, workingDirectory, systemDirectory, download, normalized,
                checksums, timeout);
    }

    /**
     * Checks IDX files against the SHA-256 of the official content (default on). Switch off only for files that
     * are not the official ones, e.g. small generated test files.
     */
    public FashionMnistLoader withChecksums(boolean verify) {
        return new FashionMnistLoader(environment, home, workingDirectory, systemDirectory, download, baseUrl,
                verify, timeout);
    }

    /**
     * Time allowed for the whole download of the four files (default ten minutes); connecting and each pause between
     * bytes may take at most 30 seconds, or this time if shorter.
     */
    public FashionMnistLoader withTimeout(Duration total) {
        if (total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("download timeout " + total + ", expected a positive duration");
        }
        return new FashionMnistLoader(environment, home, workingDirectory, systemDirectory, download, baseUrl,
                checksums, total);
    }

    /** The user cache the download goes to: {@code ~/.cache/weft/fashion-mnist}. */
    public Path cacheDirectory() {
        return home.resolve(".cache").resolve("weft").resolve("fashion-mnist");
    }

    /** The places searched, in order, with how each was chosen (before any download). */
    public Map<Path, String> candidates() {
        Map<Path, String> places = new LinkedHashMap<>();
        String env = environment.get(ENV_DIR);
        if (env != null && !env.isBlank()) {
            places.put(workingDirectory.resolve(env), ENV_DIR);
        }
        places.putIfAbsent(workingDirectory.resolve("data").resolve("fashion-mnist"), "./data/fashion-mnist");
        places.putIfAbsent(cacheDirectory(), "user cache");
        places.putIfAbsent(systemDirectory, "package dataset-fashion-mnist");
        return places;
    }

    /** Loads from the first place that has the data (downloading if allowed and necessary). */
    public FashionMnist load() throws IOException {
        return FashionMnist.read(locate(), checksums);
    }

    /** Loads from {@code directory} only (IDX files or the two Kaggle CSV files). */
    public FashionMnist load(Path directory) throws IOException {
        Path resolved = workingDirectory.resolve(directory);
        String missing = FashionMnist.whatIsMissing(resolved);
        if (missing != null) {
            throw new DatasetNotFoundException(List.of(resolved), "Fashion-MNIST not found in the directory given, "
                    + resolved + ": " + missing + ".\n" + fixes(), null);
        }
        return FashionMnist.read(resolved, checksums);
    }

    /**
     * The directory holding the data: the first candidate that has it, else (if allowed) the user cache after a
     * download.
     *
     * @throws DatasetNotFoundException listing every place searched, why it was rejected, and the fixes
     */
    public Path locate() throws DatasetNotFoundException {
        List<Path> searched = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Map.Entry<Path, String> candidate : candidates().entrySet()) {
            Path directory = candidate.getKey();
            String missing = FashionMnist.whatIsMissing(directory);
            if (missing == null) {
                return directory;
            }
            searched.add(directory);
            report.append("  ").append(directory).append(" (").append(candidate.getValue()).append("): ")
                    .append(missing).append('\n');
            if (candidate.getValue().equals(ENV_DIR)) {
                throw new DatasetNotFoundException(searched, ENV_DIR + " is set, but " + directory
                        + " does not hold Fashion-MNIST: " + missing + ".\nFix " + ENV_DIR + " or unset it.", null);
            }
        }
        IOException downloadFailure = null;
        if (download) {
            try {
                return download();
            } catch (IOException e) {
                downloadFailure = e;
                report.append("  download from ").append(baseUrl).append(" into ").append(cacheDirectory())
                        .append(" failed: ").append(e.getMessage()).append('\n');
            }
        } else {
            report.append("  download: not allowed\n");
        }
        throw new DatasetNotFoundException(searched, "Fashion-MNIST not found. Searched:\n" + report + fixes(),
                downloadFailure);
    }

    private String fixes() {
        return "Fixes (any one):\n"
                + "  - install the package: sudo apt-get install dataset-fashion-mnist  (-> " + SYSTEM_DIRECTORY
                + ")\n"
                + "  - point to a directory with the four IDX files or the two Kaggle CSVs: --data DIR, or "
                + ENV_DIR + "=DIR, or FashionMnist.load(Path)\n"
                + "  - allow the download into " + cacheDirectory() + ": " + ENV_DOWNLOAD
                + "=true, or FashionMnistLoader.withDownload(true)";
    }

    /**
     * Downloads the four official files into the user cache and returns it. Each goes to a temporary name; all four
     * are then read in full (gzip, IDX structure, counts, labels, and SHA-256 unless checksums are off) and only then
     * renamed into place. On any failure every temporary file is deleted, and so are directories this call created.
     * Each body is capped by {@link #MAX_DOWNLOAD_BYTES}, and the whole download by {@link #withTimeout(Duration)}.
     *
     * @throws DatasetFormatException if a downloaded file is corrupt or is not the official file
     * @throws IOException            if the server cannot be reached, answers other than 200, sends more than the
     *                                cap, stalls, takes longer than the timeout, or the transfer breaks
     */
    public Path download() throws IOException {
        Path target = cacheDirectory();
        Path created = firstMissing(target);
        Map<String, Path> temporary = new LinkedHashMap<>();
        boolean success = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Files.createDirectories(target);
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(stallTimeout()).build();
            for (String name : FashionMnist.IDX_FILES) {
                String fileName = name + ".gz";
                Path part = AtomicFiles.createTemporary(target, fileName);
                temporary.put(fileName, part);
                fetch(client, baseUrl.resolve(fileName), part, MAX_DOWNLOAD_BYTES.get(fileName), deadline);
            }
            try {
                verify(temporary);
            } catch (DatasetFormatException e) {
                String name = temporary.entrySet().stream().filter(t -> t.getValue().equals(e.file()))
                        .map(Map.Entry::getKey).findFirst().orElse(e.file().getFileName().toString());
                Path file = target.resolve(name);
                throw new DatasetFormatException(file, e.record(), "downloaded from " + baseUrl.resolve(
                        file.getFileName().toString()) + " and deleted again: " + e.problem(), e);
            }
            for (Map.Entry<String, Path> file : temporary.entrySet()) {
                AtomicFiles.moveIntoPlace(file.getValue(), target.resolve(file.getKey()));
            }
            success = true;
            return target;
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("download from " + baseUrl + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("download from " + baseUrl
                    + " interrupted");
            interrupted.initCause(e);
            throw interrupted;
        } finally {
            if (!success) {
                temporary.values().forEach(AtomicFiles::deleteQuietly);
                if (created != null) {
                    deleteEmptyDirectories(target, created);
                }
            }
        }
    }

    /** Reads the four temporary files in full, as {@link FashionMnist#read} would read the final ones. */
    private void verify(Map<String, Path> temporary) throws IOException {
        List<Path> files = new ArrayList<>(temporary.values());
        List<String> names = FashionMnist.IDX_FILES;
        for (int pair = 0; pair < 2; pair++) {
            var imagesDigest = checksums ? FashionMnist.sha256() : null;
            var labelsDigest = checksums ? FashionMnist.sha256() : null;
            IdxFiles.read(pair == 0 ? "train" : "test", files.get(2 * pair), files.get(2 * pair + 1),
                    FashionMnist.NUM_CLASSES, FashionMnist.ROWS, FashionMnist.COLS, imagesDigest, labelsDigest);
            if (checksums) {
                FashionMnist.checkDigest(files.get(2 * pair), names.get(2 * pair), imagesDigest);
                FashionMnist.checkDigest(files.get(2 * pair + 1), names.get(2 * pair + 1), labelsDigest);
            }
        }
    }

    private Duration stallTimeout() {
        return timeout.compareTo(STALL_TIMEOUT) < 0 ? timeout : STALL_TIMEOUT;
    }

    /**
     * Fetches {@code uri} into {@code destination}, refusing a body over {@code cap} bytes. The client's own request
     * timeout ends with the headers, so the wait for the body is bounded here: by the deadline, and by the time
     * since the last bytes arrived.
     */
    private void fetch(HttpClient client, URI uri, Path destination, long cap, long deadline)
            throws IOException, InterruptedException {
        long stall = stallTimeout().toNanos();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new HttpTimeoutException(uri + ": not started, the download did not finish within " + timeout);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(left)).GET().build();
        try (CappedFileBody body = new CappedFileBody(destination, uri, cap)) {
            CompletableFuture<HttpResponse<Void>> answer = client.sendAsync(request, info -> info.statusCode() == 200
                    ? body.expecting(info.headers().firstValueAsLong("Content-Length").orElse(-1))
                    : unread());
            HttpResponse<Void> response = null;
            try {
                while (response == null) {
                    long now = System.nanoTime();
                    long wait = Math.min(deadline - now, body.lastProgress + stall - now);
                    if (wait <= 0) {
                        throw new HttpTimeoutException(uri + ": " + (deadline <= now ? "the download did not finish"
                                + " within " + timeout : "no data for " + stallTimeout()) + " after "
                                + body.received + " bytes");
                    }
                    try {
                        response = answer.get(wait, TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        // Not yet: check the deadline and the pause since the last bytes again.
                    }
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String message = cause.getMessage();
                throw new IOException(message != null && message.startsWith(uri.toString()) ? message
                        : uri + ": " + cause, cause);
            } finally {
                if (response == null) {
                    answer.cancel(true);
                }
            }
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered HTTP " + response.statusCode() + ", expected 200");
            }
        }
    }

    /**
     * The body of an answer other than 200 is not read: its status says enough, and an error page may be as long
     * as the server likes. Cancelling the subscription closes the connection.
     */
    private static HttpResponse.BodySubscriber<Void> unread() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
                done.complete(null);
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                // Nothing arrives after the cancel; anything that does is dropped.
            }

            @Override
            public void onError(Throwable failure) {
                done.complete(null);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }

            @Override
            public CompletionStage<Void> getBody() {
                return done;
            }
        };
    }

    private static Path firstMissing(Path directory) {
        Path missing = null;
        for (Path p = directory.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    private static void deleteEmptyDirectories(Path from, Path upTo) {
        for (Path p = from.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return;
            }
            if (p.equals(upTo.toAbsolutePath())) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "FashionMnistLoader[" + candidates().keySet() + ", download " + (download ? "from " + baseUrl : "off")
                + ", checksums " + (checksums ? "on" : "off") + "]";
    }
}
