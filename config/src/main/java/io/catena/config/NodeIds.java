package io.catena.config;

import java.util.regex.Pattern;

/** The one rule for node ids, shared by settings, configurations and frames. */
public final class NodeIds {

    public static final String RULE = "1..64 characters from [A-Za-z0-9_.-]";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private NodeIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
