package io.catena.sim;

import io.catena.check.Call;
import io.catena.check.History;
import io.catena.check.Linearizability;
import io.catena.check.Output;
import io.catena.check.Report;
import java.util.List;

/** Hands a simulation's client history to the shared linearizability checker (io.catena.check). */
final class HistoryCheck {

    private HistoryCheck() {
    }

    /** Null when every key's history is linearizable; otherwise the rendered violation. */
    static String check(List<SimClient.Recorded> recorded) {
        History history = new History();
        for (SimClient.Recorded op : recorded) {
            add(history, op);
        }
        Report report = new Linearizability().checkAll(history);
        return report.isOk() ? null : "not linearizable: " + report.render();
    }

    private static void add(History history, SimClient.Recorded op) {
        int client = Integer.parseInt(op.client().substring(1));
        Call call = switch (op.kind()) {
            case WRITE -> Call.write(op.key(), op.value());
            case DELETE -> Call.delete(op.key());
            case READ -> Call.read(op.key());
        };
        switch (op.outcome()) {
            case OK -> history.addOk(client, call, op.invokeMs(), op.completeMs(), output(op));
            case INFO -> history.addInfo(client, call, op.invokeMs());
            case FAIL -> history.addFail(client, call, op.invokeMs(), op.completeMs());
            default -> throw new AssertionError(op.outcome());
        }
    }

    private static Output output(SimClient.Recorded op) {
        if (op.kind() != SimClient.Kind.READ) {
            return Output.written(op.seq());
        }
        return op.readValue() == null ? Output.absent() : Output.read(op.readValue());
    }
}
