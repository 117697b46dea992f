// What the keeper (Sources/MuxKeeper) needs from Linux that Swift's Glibc module hides or cannot
// express: descriptors in SCM_RIGHTS control messages (the CMSG_* macros are not importable),
// signalfd, memfd_create, prctl(PR_SET_CHILD_SUBREAPER) and a SOCK_SEQPACKET socketpair.
#ifndef MUX_KEEPER_H
#define MUX_KEEPER_H

#include <stddef.h>
#include <sys/types.h>

/// The most descriptors one message carries (the kernel's SCM_MAX_FD is 253).
#define MUX_MAX_FDS_PER_MESSAGE 16

/// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC). Returns 0 or an errno.
int mux_seqpacket_pair(int fds[2]);

/// Sends one message of `len` bytes with `nfds` descriptors (at most MUX_MAX_FDS_PER_MESSAGE) in
/// one sendmsg, MSG_NOSIGNAL, retrying on EINTR. Returns 0 or an errno.
int mux_send_with_fds(int sock, const void *buf, size_t len, const int *fds, int nfds);

/// Receives one message into `buf` and up to `maxfds` descriptors (close-on-exec) into `fds`,
/// retrying on EINTR. Returns the message's length (0 at end of stream) or -errno. `*nfds` gets
/// the number of descriptors received; `*truncated` is set when the message or its descriptors did
/// not fit (descriptors received are still returned, for the caller to close).
ssize_t mux_recv_with_fds(int sock, void *buf, size_t len, int *fds, int maxfds, int *nfds, int *truncated);

/// Blocks `signals` for this thread (the keeper has one) and returns a close-on-exec, nonblocking
/// signalfd for them, or -errno.
int mux_signalfd(const int *signals, int count);

/// The next signal from a signalfd: its number, 0 when none is pending, or -errno.
int mux_signalfd_next(int fd);

/// memfd_create(name, MFD_CLOEXEC): a descriptor or -errno.
int mux_memfd(const char *name);

/// prctl(PR_SET_CHILD_SUBREAPER, 1). Returns 0 or an errno.
int mux_become_subreaper(void);

#endif
