// The PTY shim: open a pseudo-terminal pair and start a program on its slave side as a session
// leader whose controlling terminal is that slave. Everything between fork and exec happens in the
// C library's posix_spawn, so the child runs no Swift code and no non-async-signal-safe call.
#ifndef MUX_PTY_H
#define MUX_PTY_H

#include <sys/types.h>

/// Where a spawn failed; the Swift wrapper turns (stage, errno) into an error that names the cause.
typedef enum {
    MUX_SPAWN_OK = 0,
    MUX_SPAWN_OPEN_MASTER = 1,
    MUX_SPAWN_SLAVE_NAME = 2,
    MUX_SPAWN_SET_SIZE = 3,
    MUX_SPAWN_WORKING_DIRECTORY = 4,
    MUX_SPAWN_EXECUTABLE = 5,
    MUX_SPAWN_SETUP = 6,
} mux_spawn_stage;

/// Opens a PTY of `cols` x `rows` and spawns `argv[0]` (searched in the PATH of `envp` when it has
/// no slash) with `argv`, `envp` and working directory `cwd` (NULL: inherit).
/// On success returns MUX_SPAWN_OK and fills `*master_fd` (close-on-exec) and `*pid`.
/// On failure returns the stage and sets `*error_number` to the errno; nothing is left open.
mux_spawn_stage mux_pty_spawn(const char *const argv[], const char *const envp[], const char *cwd,
                              unsigned short cols, unsigned short rows, int *master_fd, pid_t *pid,
                              int *error_number);

/// Sets the window size of the PTY behind `master_fd`; the kernel sends SIGWINCH to the
/// foreground process group. Returns 0 or an errno.
int mux_pty_set_size(int master_fd, unsigned short cols, unsigned short rows);

/// Reads the window size of the PTY behind `master_fd`. Returns 0 or an errno.
int mux_pty_get_size(int master_fd, unsigned short *cols, unsigned short *rows);

/// mux_pty_set_size with the size in pixels too (ws_xpixel, ws_ypixel; 0 when unknown).
int mux_pty_set_winsize(int master_fd, unsigned short cols, unsigned short rows, unsigned short xpixel,
                        unsigned short ypixel);

/// mux_pty_get_size with the size in pixels too (0 when the terminal does not say).
int mux_pty_get_winsize(int fd, unsigned short *cols, unsigned short *rows, unsigned short *xpixel,
                        unsigned short *ypixel);

/// pipe2(fds, O_CLOEXEC), which Swift's Glibc module hides behind _GNU_SOURCE. Returns 0 or errno.
int mux_pipe_cloexec(int fds[2]);

/// The layout of Linux's `struct ucred` (SO_PEERCRED), which glibc declares only under _GNU_SOURCE.
typedef struct {
    int pid;
    unsigned int uid;
    unsigned int gid;
} mux_peer_credentials;

#endif
