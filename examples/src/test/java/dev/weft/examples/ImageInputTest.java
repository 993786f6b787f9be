package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageInputTest {

    /** A large colour photo of a dark object on a white background, like Zalando's product photos. */
    private static BufferedImage photo(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(20, 40, 120));
        g.fillRect(width / 4, height / 3, width / 2, height / 3);
        g.dispose();
        return image;
    }

    @Test
    void turnsAnyPhotoInto28By28LightOnDarkInUnitRange() {
        float[] pixels = ImageInput.convert(photo(640, 480));

        assertThat(pixels).hasSize(28 * 28);
        for (float p : pixels) {
            assertThat(p).isBetween(0f, 1f);
        }
        // The object is light now, the background dark.
        assertThat(pixels[14 * 28 + 14]).isGreaterThan(0.8f);
        assertThat(pixels[0]).isLessThan(0.05f);
    }

    @Test
    void scalesTheObjectsLongerSideToTheFrame() {
        float[] pixels = ImageInput.convert(photo(300, 900));

        // The object is 150 x 300 pixels: its height fills the 28 rows, its width half of them, centred.
        int litColumns = 0;
        int litRows = 0;
        for (int i = 0; i < 28; i++) {
            if (pixels[14 * 28 + i] > 0.5f) {
                litColumns++;
            }
            if (pixels[i * 28 + 14] > 0.5f) {
                litRows++;
            }
        }
        assertThat(litRows).isGreaterThanOrEqualTo(26);
        assertThat((double) litColumns).isCloseTo(14.0, within(2.0));
    }

    @Test
    void keepsAFashionMnistStyleImageAlmostAsItIs() {
        BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 4; x < 24; x++) {
                grey.getRaster().setSample(x, y, 0, 200);
            }
        }
        float[] pixels = ImageInput.convert(grey);

        assertThat(pixels[14 * 28 + 14]).isGreaterThan(0.7f);
        assertThat(pixels[14 * 28 + 1]).isLessThan(0.05f);
    }
}
