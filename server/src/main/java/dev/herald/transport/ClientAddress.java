package dev.herald.transport;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The key under which a client's connections and requests are counted: its IPv4 address, or the /64
 * prefix of its IPv6 address (one subscriber usually holds a whole /64, so counting single IPv6
 * addresses would let one client take 2^64 places). An IPv4-mapped IPv6 address counts as IPv4.
 */
final class ClientAddress {
    private ClientAddress() {}

    static String key(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return "unknown";
        }
        return key(inet.getAddress());
    }

    static String key(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && b.length == 16) {
            StringBuilder prefix = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
