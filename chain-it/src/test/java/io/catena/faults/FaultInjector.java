package io.catena.faults;

import io.catena.it.CatenaCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Injects one {@link Fault} into the running cluster and returns how to heal it. Victims are chosen from the
 * chain the {@link ChainWatcher} last saw; processes are signalled by pid only (through {@link CatenaCluster}).
 */
final class FaultInjector {

    static final int LOSS_PERCENT = 30;
    static final long DELAY_MS = 200;
    static final long SKEW_SECONDS_MAX = 300;
    /**
     * A zombie head's links to the other nodes are healed this long before its link to the master: meanwhile it
     * still holds its old configuration and reaches its old successor again (its link reconnects, or TCP
     * retransmits what the cut dropped), and that successor must reject its old-epoch frames. 1.5 s was too short
     * to see any: TCP's retransmission timer had backed off past it.
     */
    static final long ZOMBIE_PARTIAL_HEAL_MS = 4_000;

    /** A fault in place: {@link #heal} undoes it (restarting a killed process, removing rules, ...). */
    record Injected(Fault fault, String victim, long injectedNs, Runnable heal) {
    }

    private final CatenaCluster cluster;
    private final ChainWatcher watcher;
    private final Nft nft;
    private final Map<String, DelayProxy> proxies;
    private final SmallDisk disk;
    private final String smallDiskNode;
    private final String skewedNode;
    private final Map<String, ClockSkew> skews;
    private final Random random;

    FaultInjector(CatenaCluster cluster, ChainWatcher watcher, Nft nft, Map<String, DelayProxy> proxies,
                  SmallDisk disk, String smallDiskNode, String skewedNode, Map<String, ClockSkew> skews,
                  Random random) {
        this.cluster = cluster;
        this.watcher = watcher;
        this.nft = nft;
        this.proxies = proxies;
        this.disk = disk;
        this.smallDiskNode = smallDiskNode;
        this.skewedNode = skewedNode;
        this.skews = skews;
        this.random = random;
    }

    Injected inject(Fault fault) {
        String victim = victim(fault.target());
        long now = System.nanoTime();
        Runnable heal = switch (fault.kind()) {
            case KILL -> kill(victim);
            case PAUSE -> pause(victim);
            case PARTITION -> partition(victim, fault.target() == Fault.Target.ZOMBIE_HEAD);
            case LOSS -> loss(victim);
            case DELAY -> delay(victim);
            case DISK_FULL -> diskFull(victim);
            case CLOCK_SKEW -> skew(victim);
        };
        return new Injected(fault, victim, now, heal);
    }

    private String victim(Fault.Target target) {
        List<String> chain = watcher.latest().chain();
        return switch (target) {
            case HEAD, ZOMBIE_HEAD -> chain.get(0);
            case MIDDLE -> chain.get(chain.size() / 2);
            case TAIL, ZOMBIE_TAIL -> chain.get(chain.size() - 1);
            case MASTER -> CatenaCluster.MASTER_ID;
            case ANY_NODE -> chain.get(random.nextInt(chain.size()));
            case NON_HEAD -> chain.get(1 + random.nextInt(chain.size() - 1));
            case SMALL_DISK_NODE -> smallDiskNode;
            case SKEWED_NODE -> skewedNode;
        };
    }

    private Runnable kill(String victim) {
        cluster.kill(victim);
        return () -> cluster.startNode(victim);
    }

    private Runnable pause(String victim) {
        cluster.pause(victim);
        return () -> cluster.resume(victim);
    }

    /**
     * Cuts the victim off from every other process of the cluster; clients still reach it. A zombie head is healed
     * in two steps (see {@link #ZOMBIE_PARTIAL_HEAL_MS}), the others at once.
     */
    private Runnable partition(String victim, boolean healMasterLast) {
        List<String> others = new ArrayList<>();
        others.add(host(CatenaCluster.MASTER_ID));
        cluster.nodeIds().stream().filter(id -> !id.equals(victim)).map(this::host).forEach(others::add);
        others.remove(host(victim));
        nft.cut(host(victim), others);
        if (!healMasterLast) {
            return nft::heal;
        }
        return () -> {
            nft.heal();
            nft.cut(host(victim), List.of(host(CatenaCluster.MASTER_ID)));
            FaultSuite.sleepMs(ZOMBIE_PARTIAL_HEAL_MS);
            nft.heal();
        };
    }

    private Runnable loss(String victim) {
        nft.loss(host(victim), LOSS_PERCENT);
        return nft::heal;
    }

    private Runnable delay(String victim) {
        DelayProxy proxy = proxies.get(victim);
        proxy.delayMs(DELAY_MS);
        return () -> proxy.delayMs(0);
    }

    /** Fills the disk; the heal makes room and restarts the node if it stopped (fail-stop on a storage error). */
    private Runnable diskFull(String victim) {
        disk.fill();
        return () -> {
            disk.enlarge();
            if (!cluster.isRunning(victim)) {
                cluster.startNode(victim);
            }
        };
    }

    private Runnable skew(String victim) {
        long seconds = (random.nextBoolean() ? 1 : -1) * (30 + random.nextInt((int) SKEW_SECONDS_MAX - 30));
        skews.get(victim).set(seconds);
        return () -> skews.get(victim).set(0);
    }

    private String host(String id) {
        String http = cluster.httpOf(id);
        return http.substring(0, http.lastIndexOf(':'));
    }
}
