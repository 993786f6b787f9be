package dev.weft.analysis.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Shared check: a chart written to a PNG can be read back, has exactly the requested size and is not one
 * flat colour. With {@code -Dweft.charts.out=DIR} every PNG is also copied to DIR for a human to look at.
 */
final class ChartAssertions {

    private ChartAssertions() {
    }

    static BufferedImage assertWritesPng(Chart chart, Path dir, String name, int width, int height)
            throws IOException {
        Path png = chart.write(dir.resolve(name + ".png"), width, height);
        assertThat(png).exists();
        assertThat(Files.size(png)).isPositive();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("PNG %s decodes", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        assertThat(distinctColours(image)).as("distinct colours in %s", name).isGreaterThan(2);
        String out = System.getProperty("weft.charts.out");
        if (out != null && !out.isBlank()) {
            Files.createDirectories(Path.of(out));
            Files.copy(png, Path.of(out, png.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        return image;
    }

    static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                seen.add(image.getRGB(x, y));
                if (seen.size() > 50) {
                    return seen.size();
                }
            }
        }
        return seen.size();
    }
}
