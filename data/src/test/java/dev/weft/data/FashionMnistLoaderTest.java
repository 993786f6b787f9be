package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistLoaderTest {
    @TempDir
    Path tmp;

    private Path home;
    private Path cwd;
    private Path system;

    @BeforeEach
    void layout() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        cwd = Files.createDirectories(tmp.resolve("work"));
        system = tmp.resolve("usr-share-datasets-fashion-mnist");
    }

    private FashionMnistLoader loader(Map<String, String> env) throws IOException {
        return FashionMnistLoader.of(env, home, cwd).withSystemDirectory(system).withChecksums(false);
    }

    @Nested
    class Discovery {
        @Test
        void searchesEnvironmentThenWorkingDirectoryThenCacheThenSystem() throws IOException {
            assertThat(loader(Map.of("FASHION_MNIST_DIR", "/x")).candidates().keySet()).containsExactly(
                    Path.of("/x"), cwd.resolve("data/fashion-mnist"), home.resolve(".cache/weft/fashion-mnist"),
                    system);
        }

        @Test
        void usesTheSystemDirectoryWhenNothingElseHasTheData() throws IOException {
            Fixtures.writeIdxDirectory(system, 20, 10);

            FashionMnist data = loader(Map.of()).load();

            assertThat(data.directory()).isEqualTo(system);
            assertThat(data.train().size()).isEqualTo(20);
            assertThat(data.test().size()).isEqualTo(10);
        }

        @Test
        void prefersTheUserCacheToTheSystemDirectory() throws IOException {
            Fixtures.writeIdxDirectory(system, 20, 10);
            Fixtures.writeIdxDirectory(home.resolve(".cache/weft/fashion-mnist"), 30, 10);

            assertThat(loader(Map.of()).load().train().size()).isEqualTo(30);
        }

        @Test
        void prefersTheWorkingDirectoryToTheCache() throws IOException {
            Fixtures.writeIdxDirectory(home.resolve(".cache/weft/fashion-mnist"), 30, 10);
            Fixtures.writeIdxDirectory(cwd.resolve("data/fashion-mnist"), 40, 10);

            assertThat(loader(Map.of()).load().train().size()).isEqualTo(40);
        }

        @Test
        void prefersTheEnvironmentVariableToEverythingElse() throws IOException {
            Fixtures.writeIdxDirectory(cwd.resolve("data/fashion-mnist"), 40, 10);
            Fixtures.writeIdxDirectory(tmp.resolve("mine"), 50, 10);

            assertThat(loader(Map.of("FASHION_MNIST_DIR", tmp.resolve("mine").toString())).load().train().size())
                    .isEqualTo(50);
        }

        @Test
        void failsWhenTheEnvironmentVariablePointsToADirectoryWithoutTheData() throws IOException {
            Fixtures.writeIdxDirectory(system, 20, 10);

            assertThatThrownBy(() -> loader(Map.of("FASHION_MNIST_DIR", tmp.resolve("empty").toString())).load())
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining("FASHION_MNIST_DIR is set, but").hasMessageContaining("does not exist");
        }

        @Test
        void readsTheTwoKaggleCsvFilesFromAnExplicitDirectory() throws IOException {
            Path dir = tmp.resolve("kaggle");
            FashionMnistCsv.write(Fixtures.images("train", 12, 1), dir.resolve("fashion-mnist_train.csv"));
            FashionMnistCsv.write(Fixtures.images("test", 4, 2), dir.resolve("fashion-mnist_test.csv"));

            FashionMnist data = loader(Map.of()).load(dir);

            assertThat(data.train().size()).isEqualTo(12);
            assertThat(data.test().size()).isEqualTo(4);
            assertThat(data.train().images(0, 12).allClose(Fixtures.images("train", 12, 1).images(0, 12), 0f, 0f))
                    .isTrue();
        }

        @Test
        void convertingIdxToTheKaggleCsvFilesGivesTheSameTensors() throws IOException {
            Fixtures.writeIdxDirectory(tmp.resolve("idx"), 20, 10);
            FashionMnist fromIdx = loader(Map.of()).load(tmp.resolve("idx"));

            List<Path> written = FashionMnistCsv.convert(fromIdx, tmp.resolve("csv"));
            FashionMnist fromCsv = loader(Map.of()).load(tmp.resolve("csv"));

            assertThat(written).containsExactly(tmp.resolve("csv/fashion-mnist_train.csv"),
                    tmp.resolve("csv/fashion-mnist_test.csv"));
            assertThat(fromCsv.train().labels()).isEqualTo(fromIdx.train().labels());
            assertThat(fromCsv.test().images(0, 10).allClose(fromIdx.test().images(0, 10), 0f, 0f)).isTrue();
            assertThat(fromCsv.train().flat(0, 20).allClose(fromIdx.train().flat(0, 20), 0f, 0f)).isTrue();
        }

        @Test
        void readsUncompressedIdxFiles() throws IOException {
            Path dir = tmp.resolve("plain");
            IdxFiles.write(Fixtures.images("train", 5, 1), dir.resolve("train-images-idx3-ubyte"),
                    dir.resolve("train-labels-idx1-ubyte"));
            IdxFiles.write(Fixtures.images("test", 3, 1), dir.resolve("t10k-images-idx3-ubyte"),
                    dir.resolve("t10k-labels-idx1-ubyte"));

            assertThat(loader(Map.of()).load(dir).test().size()).isEqualTo(3);
        }

        @Test
        void anExplicitDirectoryWithoutTheDataIsAnErrorEvenIfOtherPlacesHaveIt() throws IOException {
            Fixtures.writeIdxDirectory(system, 20, 10);

            assertThatThrownBy(() -> loader(Map.of()).load(tmp.resolve("nothing")))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining("directory given").hasMessageContaining("does not exist");
        }

        @Test
        void whenNothingIsFoundTheErrorListsThePlacesSearchedAndTheFixes() throws IOException {
            Files.createDirectories(cwd.resolve("data/fashion-mnist"));
            Fixtures.write(cwd.resolve("data/fashion-mnist/train-images-idx3-ubyte.gz"), new byte[1]);

            assertThatThrownBy(() -> loader(Map.of()).load())
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining(cwd.resolve("data/fashion-mnist") + " (./data/fashion-mnist): no"
                            + " Fashion-MNIST files (missing train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,"
                            + " t10k-labels-idx1-ubyte.gz")
                    .hasMessageContaining(home.resolve(".cache/weft/fashion-mnist") + " (user cache): does not exist")
                    .hasMessageContaining(system + " (package dataset-fashion-mnist): does not exist")
                    .hasMessageContaining("download: not allowed")
                    .hasMessageContaining("apt-get install dataset-fashion-mnist")
                    .hasMessageContaining("--data DIR").hasMessageContaining("FASHION_MNIST_DIR=DIR")
                    .hasMessageContaining("withDownload(true)")
                    .satisfies(e -> assertThat(((DatasetNotFoundException) e).searched()).hasSize(3));
        }

        @Test
        void checksumsRejectFilesThatAreNotTheOfficialOnesNamingTheFile() throws IOException {
            Fixtures.writeIdxDirectory(system, 20, 10);

            assertThatThrownBy(() -> loader(Map.of()).withChecksums(true).load())
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining("train-images-idx3-ubyte.gz: whole file: SHA-256 of the decompressed content")
                    .hasMessageContaining("expected c59f468a");
        }
    }

    @Nested
    class Download {
        private HttpServer server;
        private final Map<String, byte[]> files = new HashMap<>();
        private final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService handlers = Executors.newCachedThreadPool();
        /** Chunks of 64 KiB the /endless-error/ handler wrote before the client hung up, and its end. */
        private final AtomicInteger errorChunksSent = new AtomicInteger();
        private final CountDownLatch errorBodyEnded = new CountDownLatch(1);

        @BeforeEach
        void serve() throws IOException {
            Path source = tmp.resolve("source");
            Fixtures.writeIdxDirectory(source, 20, 10);
            for (String name : FashionMnist.IDX_FILES) {
                files.put(name + ".gz", Files.readAllBytes(source.resolve(name + ".gz")));
            }
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/good/", exchange -> {
                byte[] body = files.get(fileName(exchange.getRequestURI()));
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                exchange.close();
            });
            server.createContext("/corrupt/", exchange -> {
                String name = fileName(exchange.getRequestURI());
                byte[] body = files.get(name).clone();
                if (name.startsWith("t10k-images")) {
                    for (int i = 20; i < body.length - 8; i += 5) {
                        body[i] ^= 0x33;
                    }
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                exchange.close();
            });
            server.createContext("/declared-too-big/", exchange -> {
                // The label file announces two megabytes: more than any label file may have.
                String name = fileName(exchange.getRequestURI());
                byte[] body = name.startsWith("t10k-labels") ? new byte[2 << 20] : files.get(name);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                exchange.close();
            });
            server.createContext("/endless/", exchange -> {
                // Chunked, so no Content-Length: the label file simply never ends.
                String name = fileName(exchange.getRequestURI());
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    if (name.startsWith("t10k-labels")) {
                        byte[] chunk = new byte[1 << 16];
                        for (int i = 0; i < 1024 && !release.await(0, TimeUnit.SECONDS); i++) {
                            out.write(chunk);
                        }
                    } else {
                        out.write(files.get(name));
                    }
                } catch (IOException | InterruptedException e) {
                    // The client hung up, as it should.
                }
                exchange.close();
            });
            server.createContext("/endless-error/", exchange -> {
                // The label file is missing, and the error page never ends (up to 64 MiB).
                String name = fileName(exchange.getRequestURI());
                boolean missing = name.startsWith("t10k-labels");
                exchange.sendResponseHeaders(missing ? 404 : 200, missing ? 0 : files.get(name).length);
                try (OutputStream out = exchange.getResponseBody()) {
                    if (missing) {
                        byte[] chunk = new byte[1 << 16];
                        for (int i = 0; i < 1024 && !release.await(0, TimeUnit.SECONDS); i++) {
                            out.write(chunk);
                            out.flush();
                            errorChunksSent.incrementAndGet();
                        }
                    } else {
                        out.write(files.get(name));
                    }
                } catch (IOException | InterruptedException e) {
                    // The client hung up, as it should.
                } finally {
                    if (missing) {
                        errorBodyEnded.countDown();
                    }
                }
                exchange.close();
            });
            server.createContext("/stall/", exchange -> {
                // Headers and half the body, then silence until the test ends.
                byte[] body = files.get(fileName(exchange.getRequestURI()));
                exchange.sendResponseHeaders(200, body.length);
                OutputStream out = exchange.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            });
            server.createContext("/cut/", exchange -> {
                String name = fileName(exchange.getRequestURI());
                byte[] body = files.get(name);
                exchange.sendResponseHeaders(200, body.length);
                OutputStream out = exchange.getResponseBody();
                if (name.startsWith("train-labels")) {
                    // Interrupted transfer: half the promised bytes, then the connection drops.
                    out.write(Arrays.copyOf(body, body.length / 2));
                    out.flush();
                    exchange.close();
                    return;
                }
                out.write(body);
                out.close();
                exchange.close();
            });
            server.setExecutor(handlers);
            server.start();
        }

        @AfterEach
        void stop() {
            release.countDown();
            server.stop(0);
            handlers.shutdownNow();
        }

        private String fileName(URI uri) {
            String path = uri.getPath();
            return path.substring(path.lastIndexOf('/') + 1);
        }

        private FashionMnistLoader downloading(String context) throws IOException {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + context + "/");
            return loader(Map.of()).withDownload(true).withBaseUrl(base).withTimeout(Duration.ofSeconds(20));
        }

        private Path cache() {
            return home.resolve(".cache/weft/fashion-mnist");
        }

        @Test
        void downloadsTheFourFilesIntoTheUserCacheWhenNothingIsFound() throws IOException {
            FashionMnist data = downloading("good").load();

            assertThat(data.directory()).isEqualTo(cache());
            assertThat(data.train().size()).isEqualTo(20);
            try (Stream<Path> listed = Files.list(cache())) {
                assertThat(listed.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                        "t10k-labels-idx1-ubyte.gz");
            }
            // The next load finds the cache and needs no server.
            server.stop(0);
            assertThat(loader(Map.of()).load().directory()).isEqualTo(cache());
        }

        @Test
        void downloadedFilesGetTheUmasksPermissionsNotPrivateTemporaryOnes() throws IOException {
            assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                    "file permissions are POSIX only");
            Path plain = Files.createFile(tmp.resolve("plain.txt"));

            downloading("good").download();

            for (String name : FashionMnist.IDX_FILES) {
                assertThat(Files.getPosixFilePermissions(cache().resolve(name + ".gz"))).as(name)
                        .isEqualTo(Files.getPosixFilePermissions(plain));
            }
        }

        @Test
        void aCorruptDownloadLeavesNothingBehind() {
            assertThatThrownBy(() -> downloading("corrupt").download())
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining("t10k-images-idx3-ubyte.gz")
                    .hasMessageContaining("downloaded from http://127.0.0.1");
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        void anInterruptedDownloadLeavesNothingBehind() {
            assertThatThrownBy(() -> downloading("cut").download())
                    .isInstanceOf(IOException.class).hasMessageContaining("train-labels-idx1-ubyte.gz");
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        void aBodyAnnouncedLargerThanTheCapIsRefusedAndLeavesNothingBehind() {
            assertThatThrownBy(() -> downloading("declared-too-big").download())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("t10k-labels-idx1-ubyte.gz announces 2097152 bytes (Content-Length)")
                    .hasMessageContaining("more than " + FashionMnistLoader.MAX_DOWNLOAD_BYTES.get(
                            "t10k-labels-idx1-ubyte.gz"));
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        void aBodyThatGrowsPastTheCapIsCutOffAndLeavesNothingBehind() {
            assertThatThrownBy(() -> downloading("endless").download())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("t10k-labels-idx1-ubyte.gz sent more than " + FashionMnistLoader
                            .MAX_DOWNLOAD_BYTES.get("t10k-labels-idx1-ubyte.gz") + " bytes");
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        @Timeout(30)
        void aStalledBodyFailsAtTheTimeoutAndLeavesNothingBehind() throws IOException {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stall/");
            FashionMnistLoader loader = loader(Map.of()).withDownload(true).withBaseUrl(base)
                    .withTimeout(Duration.ofSeconds(2));

            assertThatThrownBy(loader::download)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("train-images-idx3-ubyte.gz")
                    .hasMessageMatching("(?s).*(did not finish within PT2S|no data for PT2S).*");
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        void theTimeoutMustBePositive() throws IOException {
            FashionMnistLoader loader = loader(Map.of());

            assertThatThrownBy(() -> loader.withTimeout(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected a positive");
        }

        @Test
        void theBodyOfAnErrorAnswerIsNotRead() throws InterruptedException {
            assertThatThrownBy(() -> downloading("endless-error").download())
                    .isInstanceOf(IOException.class).hasMessageContaining("HTTP 404");

            assertThat(errorBodyEnded.await(20, TimeUnit.SECONDS)).as("the server saw the client hang up").isTrue();
            // The socket's buffers take a few chunks; reading the page would have taken all 1024.
            assertThat(errorChunksSent.get()).isLessThan(1024);
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        void aMissingFileOnTheServerLeavesNothingBehind() {
            files.remove("t10k-labels-idx1-ubyte.gz");

            assertThatThrownBy(() -> downloading("good").download())
                    .isInstanceOf(IOException.class).hasMessageContaining("HTTP 404");
            assertThat(home.resolve(".cache")).doesNotExist();
        }

        @Test
        void filesThatAreNotTheOfficialOnesFailTheChecksumAndAreDeleted() throws IOException {
            Files.createDirectories(cache());

            assertThatThrownBy(() -> downloading("good").withChecksums(true).download())
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining(cache().resolve("train-images-idx3-ubyte.gz").toString())
                    .hasMessageContaining("SHA-256");
            try (Stream<Path> listed = Files.list(cache())) {
                assertThat(listed).isEmpty();
            }
        }

        @Test
        void aFailedDownloadDuringDiscoveryIsReportedWithTheFixes() {
            files.remove("t10k-labels-idx1-ubyte.gz");

            assertThatThrownBy(() -> downloading("good").load())
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining("download from http://127.0.0.1")
                    .hasMessageContaining("HTTP 404")
                    .hasMessageContaining("apt-get install dataset-fashion-mnist")
                    .satisfies(e -> assertThat(e.getCause()).isNotNull());
        }

        @Test
        void listsOnlyTheOfficialFileNames() {
            assertThat(FashionMnist.IDX_FILES).isEqualTo(List.of("train-images-idx3-ubyte",
                    "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"));
        }
    }
}
