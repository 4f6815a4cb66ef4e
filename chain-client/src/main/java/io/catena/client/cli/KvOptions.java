package io.catena.client.cli;

import io.catena.client.Ack;
import io.catena.client.WriteOptions;
import io.catena.client.WriteResult;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** What put and del share: their write options, checked as usage errors, and how a result is printed. */
final class KvOptions {

    private KvOptions() {
    }

    static WriteOptions write(CommandSpec spec, Ack ack, Long ifMatch, boolean ifAbsent) {
        if (ifMatch != null && ifMatch < 0) {
            throw new ParameterException(spec.commandLine(), "--if-match takes a seq >= 0, not " + ifMatch);
        }
        if (ifMatch != null && ifAbsent) {
            throw new ParameterException(spec.commandLine(), "--if-match and --if-absent exclude each other");
        }
        return new WriteOptions(ack, ifMatch, ifAbsent);
    }

    static String describe(WriteResult result) {
        return "seq=" + result.seq() + (result.ack() == null ? "" : " ack=" + result.ack());
    }
}
