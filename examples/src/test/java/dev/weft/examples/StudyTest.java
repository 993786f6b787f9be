package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StudyTest {

    @Test
    void aJdkOlderThan25GetsANoteNamingItAndJavaHome() {
        assertThat(Study.jdkHint(17)).contains("JDK 17", "JDK 25", "JAVA_HOME");
        assertThat(Study.jdkHint(21)).contains("JDK 21");
    }

    @Test
    void jdk25AndNewerRunWithoutANote() {
        assertThat(Study.jdkHint(25)).isNull();
        assertThat(Study.jdkHint(26)).isNull();
    }
}
