package dev.herald.transport;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse proxies whose {@code X-Forwarded-For} Herald believes ({@code server.trusted-proxies}:
 * addresses or CIDR ranges). Behind them the client a request counts against is the right-most
 * address of that header that is not itself a trusted proxy (the left part is whatever the client
 * wrote, so it is never believed); from anywhere else the header is ignored. Literal addresses
 * only: nothing here looks a name up.
 */
final class TrustedProxies {
    static final TrustedProxies NONE = new TrustedProxies(List.of());

    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((a[full] ^ address[full]) & (0xff << (8 - rest)) & 0xff) == 0;
        }
    }

    private final List<Network> networks;

    private TrustedProxies(List<Network> networks) {
        this.networks = networks;
    }

    /** Parses {@code 10.0.0.0/8}, {@code 127.0.0.1}, {@code ::1}, {@code fd00::/8}; throws on anything else. */
    static TrustedProxies of(List<String> entries) {
        List<Network> networks = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.strip().split("/", 2);
            byte[] address = NetUtil.createByteArrayFromIpAddressString(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR range");
            }
            int prefix = address.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix outside 0-" + address.length * 8);
                }
            }
            networks.add(new Network(address, prefix));
        }
        return new TrustedProxies(List.copyOf(networks));
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        for (Network n : networks) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** The counting key ({@link ClientAddress}) of the client of a request from {@code remote}. */
    String clientKey(SocketAddress remote, String forwardedFor) {
        if (networks.isEmpty() || forwardedFor == null || !(remote instanceof InetSocketAddress inet)
                || inet.getAddress() == null || !contains(inet.getAddress())) {
            return ClientAddress.key(remote);
        }
        InetAddress client = inet.getAddress();
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            byte[] hop = NetUtil.createByteArrayFromIpAddressString(hops[i].strip());
            if (hop == null) {
                break; // not an address: stop believing the header here
            }
            try {
                client = InetAddress.getByAddress(hop);
            } catch (UnknownHostException e) {
                break;
            }
            if (!contains(client)) {
                break;
            }
        }
        return ClientAddress.key(client);
    }
}
