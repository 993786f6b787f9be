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
        assertThat(options.epochs()).isEmpty();
        assertThat(options.epochsOf("weft")).isZero();
        assertThat(options.budgetSeconds()).isEqualTo(600);
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
        assertThat(options.epochsOf("reference")).isEqualTo(3);
        assertThat(options.epochsOf("weft")).isEqualTo(3);
        assertThat(options.limit()).isEqualTo(2000);
        assertThat(options.seed()).isEqualTo(-7);
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.models()).containsExactly("weft");
    }

    @Test
    void budgetTakesSecondsMinutesAndHours() {
        for (String[] given : new String[][] {{"600", "600"}, {"600s", "600"}, {"10m", "600"}, {"9m30s", "570"},
                {"1h", "3600"}, {"1h2m3s", "3723"}, {"90S", "90"}}) {
            assertThat(StudyOptions.parse(List.of("--budget", given[0])).budgetSeconds()).as(given[0])
                    .isEqualTo(Integer.parseInt(given[1]));
        }
        assertThat(StudyOptions.parse(List.of("--budget=9m30s")).budgetSeconds()).isEqualTo(570);
    }

    @Test
    void rejectsABudgetThatIsNoDuration() {
        for (String bad : List.of("ten", "10min", "-5", "m", "1.5m", "s", "0", "0m", "25h")) {
            assertThatThrownBy(() -> StudyOptions.parse(List.of("--budget", bad))).as(bad)
                    .isInstanceOf(UsageException.class).hasMessageContaining("--budget");
        }
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--budget", "ten")))
                .hasMessageContaining("600, 600s, 10m or 9m30s").hasMessageContaining("'ten'");
    }

    @Test
    void epochsPerModelSetOnlyThoseModels() {
        StudyOptions weft = StudyOptions.parse(List.of("--epochs", "weft=17"));
        assertThat(weft.epochsOf("weft")).isEqualTo(17);
        assertThat(weft.epochsOf("reference")).isZero();

        StudyOptions both = StudyOptions.parse(List.of("--epochs=reference=10,weft=17"));
        assertThat(both.epochsOf("reference")).isEqualTo(10);
        assertThat(both.epochsOf("weft")).isEqualTo(17);
        assertThat(both.epochsText()).isEqualTo("reference=10,weft=17");
    }

    @Test
    void rejectsEpochsForAnUnknownModelOrWithoutACount() {
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--epochs", "resnet=3")))
                .isInstanceOf(UsageException.class).hasMessageContaining("MODEL=N").hasMessageContaining("'resnet=3'");
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--epochs", "weft=")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--epochs weft expects a whole number");
        assertThatThrownBy(() -> StudyOptions.parse(List.of("--epochs", "weft=0")))
                .isInstanceOf(UsageException.class).hasMessageContaining("between 1 and");
    }

    @Test
    void theReproducingCommandNamesWhatChangesTheComputation() {
        assertThat(StudyOptions.parse(List.of()).reproducing("weft", 17)).isEqualTo("./weft --epochs weft=17");
        assertThat(StudyOptions.parse(List.of("--limit", "2000", "--seed", "3", "--model", "weft", "--threads", "1",
                "--budget", "90s")).reproducing("weft", 30))
                .isEqualTo("./weft --epochs weft=30 --limit 2000 --seed 3 --model weft");
        assertThat(StudyOptions.parse(List.of("--epochs", "reference=12")).reproducing("weft", 9))
                .isEqualTo("./weft --epochs reference=12,weft=9");
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
