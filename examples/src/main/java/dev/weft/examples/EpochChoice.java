package dev.weft.examples;

import java.util.List;
import java.util.Map;

/**
 * How a model's epoch count was set, for the report, {@code metrics.json} and the console: by its recipe, by
 * {@code --epochs}, or by the study's time budget ({@link EpochBudget}).
 *
 * @param count     epochs trained
 * @param chosenBy  {@code "recipe"}, {@code "--epochs"} or {@code "budget"}
 * @param decision  the budget's decision and its inputs, or null when not chosen by the budget
 * @param reproduce the command that repeats the run with this count
 */
record EpochChoice(int count, String chosenBy, EpochBudget.Decision decision, String reproduce) {

    /** The recipe's own count. */
    static EpochChoice recipe(int count, String reproduce) {
        return new EpochChoice(count, "recipe", null, reproduce);
    }

    /** A count given with {@code --epochs}. */
    static EpochChoice given(int count, String reproduce) {
        return new EpochChoice(count, "--epochs", null, reproduce);
    }

    /** A count the budget chose. */
    static EpochChoice budget(EpochBudget.Decision decision, String reproduce) {
        return new EpochChoice(decision.epochs(), "budget", decision, reproduce);
    }

    /** One sentence for the report and the console. */
    String sentence() {
        String epochs = count + (count == 1 ? " epoch" : " epochs");
        return switch (chosenBy) {
            case "budget" -> epochs + ", chosen by the time budget after the first epoch: " + decision.reading()
                    + ". The same run, on any machine: " + reproduce + ".";
            case "--epochs" -> epochs + ", given by --epochs (the budget does not apply).";
            default -> epochs + ", the recipe's.";
        };
    }

    /** The {@code "epochs"} object of a model in {@code metrics.json}. */
    Map<String, Object> json() {
        Map<String, Object> json = Json.object();
        json.put("count", count);
        json.put("chosen_by", chosenBy);
        if (decision != null) {
            json.put("budget_seconds", decision.budgetSeconds());
            json.put("elapsed_seconds_at_decision", round(decision.elapsedSeconds()));
            json.put("first_epoch_seconds", round(decision.firstEpochSeconds()));
            json.put("reserve_seconds", round(decision.reserveSeconds()));
            List<Object> reserve = Json.array();
            for (EpochBudget.LaterInference part : decision.reserve()) {
                Map<String, Object> term = Json.object();
                term.put("model", part.model());
                term.put("images", part.images());
                term.put("images_per_second", Math.round(part.imagesPerSecond() * 10) / 10.0);
                term.put("seconds", round(part.reserveSeconds()));
                reserve.add(term);
            }
            json.put("reserve_by_model", reserve);
            json.put("margin_seconds", round(decision.marginSeconds()));
            json.put("unclamped", decision.unclamped());
            json.put("range", Json.array(new int[] {EpochBudget.MIN_EPOCHS, EpochBudget.MAX_EPOCHS}));
        }
        json.put("reproduce", reproduce);
        return json;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
