/* LD_PRELOAD shim for the sfu_load benchmark's Janus target (benches/sfu_load/janus.rs).
 * Janus 1.1.2 skips every interface flagged IFF_LOOPBACK when it gathers ICE candidates,
 * so on 127.0.0.1 it would offer none. This wraps getifaddrs() and clears that flag on
 * every returned entry; Janus itself is unmodified. Built by the benchmark with
 * `cc -shared -fPIC -O2 -o unloopback.so unloopback.c -ldl`. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <ifaddrs.h>
#include <net/if.h>

int getifaddrs(struct ifaddrs **ifap) {
    int (*real)(struct ifaddrs **) = (int (*)(struct ifaddrs **))dlsym(RTLD_NEXT, "getifaddrs");
    int r = real ? real(ifap) : -1;
    if (r == 0)
        for (struct ifaddrs *i = *ifap; i; i = i->ifa_next)
            i->ifa_flags &= ~(unsigned int)IFF_LOOPBACK;
    return r;
}
