package dev.frugal.provider;

import dev.frugal.core.UpstreamFailure;
import dev.frugal.core.UpstreamFailure.Kind;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Classifies transport exceptions of the upstream HTTP client. Shared by every HTTP adapter. */
public final class Failures {
    private Failures() {}

    public static UpstreamFailure transport(String provider, Throwable t) {
        if (t instanceof UpstreamFailure f) return f;
        if (timedOut(t)) {
            return new UpstreamFailure(Kind.TIMEOUT, "Upstream provider '" + provider + "' did not answer in time.");
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException) {
            return new UpstreamFailure(Kind.NETWORK, "Upstream provider '" + provider + "' is unreachable.");
        }
        return new UpstreamFailure(Kind.NETWORK, "The connection to upstream provider '" + provider + "' failed.");
    }

    /** A timeout, or a reset for one ({@link UpstreamHttp#request} resets a request whose head is late, with the timeout as cause). */
    private static boolean timedOut(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) return true;
        }
        return false;
    }

    /** A stream that went silent mid-way for the provider's idle timeout (see {@link IdleWatch}). */
    public static UpstreamFailure stalled(String provider, long idleMillis) {
        return new UpstreamFailure(Kind.TIMEOUT, "Upstream provider '" + provider + "' sent nothing for " + idleMillis
                + " ms in the middle of a stream.");
    }
}
