package dev.frugal.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/**
 * The unit in which the gateway counts a client for per-address limits (admin authentication
 * failures, open connections): the IP address itself, or for IPv6 its /64 network, since one host
 * usually holds a whole /64 and could otherwise pick a fresh address for every attempt. Never
 * resolves a name. Pure.
 */
public final class ClientAddress {
    private ClientAddress() {}

    /** The key of an address given as text (an IP literal, as Vert.x reports it). */
    public static String key(String address) {
        if (address == null) return "";
        if (address.indexOf(':') < 0) return address;
        try {
            return key(InetAddress.getByName(address)); // a literal with ':' is parsed, never looked up
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** The key of a socket's peer address; "" when it has none (a domain socket). */
    public static String key(SocketAddress address) {
        return address instanceof InetSocketAddress a && a.getAddress() != null ? key(a.getAddress()) : "";
    }

    private static String key(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a.getHostAddress();
        byte[] b = a.getAddress();
        StringBuilder net = new StringBuilder();
        for (int i = 0; i < 8; i += 2) net.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        return net.append(":/64").toString();
    }
}
