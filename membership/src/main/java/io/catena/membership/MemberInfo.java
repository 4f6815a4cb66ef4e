package io.catena.membership;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One member of the membership cluster as Catena sees it: a storage node or a master, its stable id and the
 * addresses it serves. It travels as Hazelcast member attributes ({@link #KIND_ATTRIBUTE}, {@link #ID_ATTRIBUTE},
 * {@link #HTTP_ATTRIBUTE}, {@link #REPLICATION_ATTRIBUTE}); a member without {@link #KIND_ATTRIBUTE} is not Catena's
 * and is ignored.
 *
 * <p><b>Id versus member UUID.</b> The {@code id} is stable across restarts; {@code memberUuid} names one
 * incarnation (one join) of that id. A process that restarts, or that resumes after being paused past the
 * heartbeat timeout, rejoins under a new UUID, and for a while both incarnations of the same id may be in the
 * view. Equality includes {@code memberUuid} on purpose: a {@code memberDown} of the old incarnation is a
 * different value from the {@code memberUp} of the new one. Key your state by {@code id}, and treat the down of an
 * incarnation that is no longer the one you hold for that id as stale (compare {@code memberUuid}).
 *
 * @param kind        whether this member is a storage node or a master
 * @param id          the stable id (node id or master id); not blank, no whitespace
 * @param http        {@code host:port} of the member's HTTP API
 * @param replication {@code host:port} of a node's replication listener; null for a master
 * @param memberUuid  the Hazelcast member UUID of this incarnation; null for a member that has not joined yet
 *                    (the description a process gives of itself before it starts)
 */
public record MemberInfo(Kind kind, String id, String http, String replication, String memberUuid) {

    /** What a member is: a storage node (joins as a lite member) or a master (joins as a full member). */
    public enum Kind { NODE, MASTER }

    public static final String KIND_ATTRIBUTE = "catena.kind";
    public static final String ID_ATTRIBUTE = "catena.id";
    public static final String HTTP_ATTRIBUTE = "catena.http";
    public static final String REPLICATION_ATTRIBUTE = "catena.replication";

    public MemberInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(http, "http");
        if (id.isBlank() || id.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("member id must be non-blank without whitespace, got '" + id + "'");
        }
        Endpoints.requireHostPort(http, "http address of " + id);
        if (kind == Kind.NODE) {
            Objects.requireNonNull(replication, () -> "node " + id + " needs a replication address");
            Endpoints.requireHostPort(replication, "replication address of " + id);
        } else if (replication != null) {
            throw new IllegalArgumentException("master " + id + " has no replication address, got '" + replication + "'");
        }
        if (memberUuid != null && memberUuid.isBlank()) {
            throw new IllegalArgumentException("memberUuid of " + id + " is blank; use null before the member joins");
        }
    }

    /** A storage node that has not joined yet. */
    public static MemberInfo node(String id, String http, String replication) {
        return new MemberInfo(Kind.NODE, id, http, replication, null);
    }

    /** A master that has not joined yet. */
    public static MemberInfo master(String id, String http) {
        return new MemberInfo(Kind.MASTER, id, http, null, null);
    }

    public boolean isMaster() {
        return kind == Kind.MASTER;
    }

    /** The same member, as the incarnation with the given member UUID. */
    public MemberInfo withMemberUuid(String uuid) {
        return new MemberInfo(kind, id, http, replication, Objects.requireNonNull(uuid, "uuid"));
    }

    /** The attributes this member publishes (the member UUID is Hazelcast's, not an attribute). */
    public Map<String, String> attributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(KIND_ATTRIBUTE, kind.name());
        attributes.put(ID_ATTRIBUTE, id);
        attributes.put(HTTP_ATTRIBUTE, http);
        if (replication != null) {
            attributes.put(REPLICATION_ATTRIBUTE, replication);
        }
        return attributes;
    }

    /**
     * Reads a member back from its attributes.
     *
     * @return empty when {@link #KIND_ATTRIBUTE} is absent (not a Catena member)
     * @throws IllegalArgumentException when the member claims to be Catena's but its attributes are malformed
     */
    public static Optional<MemberInfo> fromAttributes(Map<String, String> attributes, String memberUuid) {
        String kindText = attributes.get(KIND_ATTRIBUTE);
        if (kindText == null) {
            return Optional.empty();
        }
        Kind kind;
        try {
            kind = Kind.valueOf(kindText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + KIND_ATTRIBUTE + " '" + kindText + "' of member " + memberUuid);
        }
        String id = attributes.get(ID_ATTRIBUTE);
        if (id == null) {
            throw new IllegalArgumentException("member " + memberUuid + " has " + KIND_ATTRIBUTE + " but no " + ID_ATTRIBUTE);
        }
        String http = attributes.get(HTTP_ATTRIBUTE);
        if (http == null) {
            throw new IllegalArgumentException("member " + id + " (" + memberUuid + ") has no " + HTTP_ATTRIBUTE);
        }
        return Optional.of(new MemberInfo(kind, id, http, attributes.get(REPLICATION_ATTRIBUTE), memberUuid));
    }

    @Override
    public String toString() {
        String addresses = replication == null ? "http " + http : "http " + http + ", replication " + replication;
        return kind + " " + id + " (" + addresses + (memberUuid == null ? "" : ", member " + memberUuid) + ")";
    }
}
