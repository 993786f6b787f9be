package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Parallel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StudyOptionsTest {

    @Test
    void defaultsAreTheWholeStudyIntoReport() {
        StudyOptions options = StudyOptions.parse(List.of());

        assertThat(options.out()).isEqualTo(Path.of("report"));
        assertThat(options.data()).isNull();
        assertThat(options.epochs()).isZero();
        assertThat(options.limit()).isZero();
        assertThat(options.models()).containsExactly("reference", "weft");
        assertThat(options.help()).isFalse();
        assertThat(options.notes()).isEmpty();
    }

    @Test
    void readsEveryOptionInBothSpellings() {
        StudyOptions options = StudyOptions.parse(List.of("--out", "r", "--data=/d", "--epochs", "3",
                "--limit=2000", "--seed", "-7", "--threads", "2", "--model", "WEFT"));

        assertThat(options.out()).isEqualTo(Path.of("r"));
        assertThat(options.data()).isEqualTo(Path.of("/d"));
        assertThat(options.epochs()).isEqualTo(3);
        assertThat(options.limit()).isEqualTo(2000);
        assertThat(options.seed()).isEqualTo(-7);
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.models()).containsExactly("weft");
    }

    @Test
    void rejectsAnUnknownOptionNamingIt() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--epoch", "3")))
                .isInstanceOf(UsageException.class).hasMessageContaining("'--epoch'").hasMessageContaining("--help");
    }

    @Test
    void rejectsAMissingValue() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--epochs")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--epochs needs a value");
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--out", "--epochs", "2")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--out needs a value");
    }

    @Test
    void rejectsNonPositiveOrNonNumericCounts() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--epochs", "0")))
                .isInstanceOf(UsageException.class).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--limit", "lots")))
                .isInstanceOf(UsageException.class).hasMessageContaining("'lots'");
    }

    @Test
    void rejectsALimitTooSmallToTrainOn() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--limit", "50")))
                .isInstanceOf(UsageException.class).hasMessageContaining("at least 1000");
    }

    @Test
    void rejectsAnUnknownModel() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--model", "resnet")))
                .isInstanceOf(UsageException.class).hasMessageContaining("reference, weft or both");
    }

    @Test
    void namesTheReferenceModelReference() {
        assertThat(StudyOptions.parse(List.of("--model", "reference")).models()).containsExactly("reference");
        assertThat(StudyOptions.parse(List.of("--model", "both")).models()).containsExactly("reference", "weft");
    }

    @Test
    void acceptsTheDeprecatedModelNameSeedWithANote() {
        StudyOptions options = StudyOptions.parse(List.of("--model", "seed", "--seed", "3"));

        assertThat(options.models()).containsExactly("reference");
        assertThat(options.seed()).isEqualTo(3);
        assertThat(options.notes()).containsExactly(StudyOptions.SEED_ALIAS_NOTE);
        assertThat(StudyOptions.SEED_ALIAS_NOTE).contains("deprecated", "--model reference").doesNotContain("\n");
    }

    @Test
    void threadsTakesZeroForAllCoresUpToFourPerCore() {
        assertThat(StudyOptions.parse(List.of()).threads()).isEqualTo(StudyOptions.THREADS_UNSET);
        assertThat(StudyOptions.parse(List.of("--threads", "0")).threads()).isZero();
        int max = Parallel.maxThreads();
        assertThat(StudyOptions.parse(List.of("--threads", Integer.toString(max))).threads()).isEqualTo(max);
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--threads", Integer.toString(max + 1))))
                .isInstanceOf(UsageException.class).hasMessageContaining("between 0 and " + max);
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--threads", "-1")))
                .isInstanceOf(UsageException.class).hasMessageContaining("between 0 and " + max);
    }

    @Test
    void aFileNameJavaCannotUseIsAUsageError() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--out", "a\u0000b")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--out a\\u0000b is not a valid file name");
    }
}
