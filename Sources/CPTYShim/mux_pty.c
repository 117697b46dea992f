// The PTY shim (see mux_pty.h). Follows the route measured in shared/TOOLCHAIN.md:
// posix_openpt + grantpt + unlockpt, then posix_spawn with SETSID so the child leads a new session,
// and a file action that opens the slave without O_NOCTTY so it becomes the controlling terminal.
#define _GNU_SOURCE
#include "mux_pty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int mux_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno; }

int mux_pty_set_size(int master_fd, unsigned short cols, unsigned short rows) {
    return mux_pty_set_winsize(master_fd, cols, rows, 0, 0);
}

int mux_pty_set_winsize(int master_fd, unsigned short cols, unsigned short rows, unsigned short xpixel,
                        unsigned short ypixel) {
    struct winsize ws = {.ws_row = rows, .ws_col = cols, .ws_xpixel = xpixel, .ws_ypixel = ypixel};
    return ioctl(master_fd, TIOCSWINSZ, &ws) == 0 ? 0 : errno;
}

int mux_pty_get_winsize(int fd, unsigned short *cols, unsigned short *rows, unsigned short *xpixel,
                        unsigned short *ypixel) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return errno;
    *cols = ws.ws_col;
    *rows = ws.ws_row;
    *xpixel = ws.ws_xpixel;
    *ypixel = ws.ws_ypixel;
    return 0;
}

int mux_pty_get_size(int master_fd, unsigned short *cols, unsigned short *rows) {
    struct winsize ws;
    if (ioctl(master_fd, TIOCGWINSZ, &ws) != 0) return errno;
    *cols = ws.ws_col;
    *rows = ws.ws_row;
    return 0;
}

/// Finds `name` in the PATH given by `envp` (not ours: the child's), the way execvp would.
/// Returns 0 and fills `out`, or an errno: ENOENT when no entry is executable.
static int resolve_executable(const char *name, const char *const envp[], char *out, size_t size) {
    if (name == NULL || name[0] == '\0') return ENOENT;
    if (strchr(name, '/') != NULL) {
        if (strlen(name) >= size) return ENAMETOOLONG;
        strcpy(out, name);
        return access(out, X_OK) == 0 ? 0 : errno;
    }
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *const *e = envp; e != NULL && *e != NULL; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) {
            path = *e + 5;
            break;
        }
    }
    int last = ENOENT;
    const char *start = path;
    for (;;) {
        const char *end = strchr(start, ':');
        size_t dir_len = end ? (size_t)(end - start) : strlen(start);
        const char *dir = dir_len == 0 ? "." : start;
        size_t len = dir_len == 0 ? 1 : dir_len;
        if (len + 1 + strlen(name) < size) {
            memcpy(out, dir, len);
            out[len] = '/';
            strcpy(out + len + 1, name);
            struct stat st;
            if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
                if (access(out, X_OK) == 0) return 0;
                last = EACCES;
            }
        }
        if (end == NULL) break;
        start = end + 1;
    }
    return last;
}

mux_spawn_stage mux_pty_spawn(const char *const argv[], const char *const envp[], const char *cwd,
                              unsigned short cols, unsigned short rows, int *master_fd, pid_t *pid,
                              int *error_number) {
    *error_number = 0;
    char executable[4096];
    // Checked here rather than left to the child: glibc reports a failed chdir and a missing
    // program with the same ENOENT, and the caller deserves to know which one it was.
    if (cwd != NULL) {
        struct stat st;
        if (stat(cwd, &st) != 0) {
            *error_number = errno;
            return MUX_SPAWN_WORKING_DIRECTORY;
        }
        if (!S_ISDIR(st.st_mode)) {
            *error_number = ENOTDIR;
            return MUX_SPAWN_WORKING_DIRECTORY;
        }
    }
    int rc = resolve_executable(argv[0], envp, executable, sizeof executable);
    if (rc != 0) {
        *error_number = rc;
        return MUX_SPAWN_EXECUTABLE;
    }

    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) {
        *error_number = errno;
        return MUX_SPAWN_OPEN_MASTER;
    }
    char slave_name[128];
    if (grantpt(master) != 0 || unlockpt(master) != 0 ||
        ptsname_r(master, slave_name, sizeof slave_name) != 0) {
        *error_number = errno;
        close(master);
        return MUX_SPAWN_SLAVE_NAME;
    }
    rc = mux_pty_set_size(master, cols, rows);
    if (rc != 0) {
        *error_number = rc;
        close(master);
        return MUX_SPAWN_SET_SIZE;
    }

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    // Reset every signal: NIO ignores SIGPIPE process-wide, and a shell must not inherit that.
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    int setup = 0;
    setup |= posix_spawn_file_actions_addopen(&actions, 0, slave_name, O_RDWR, 0);
    setup |= posix_spawn_file_actions_adddup2(&actions, 0, 1);
    setup |= posix_spawn_file_actions_adddup2(&actions, 0, 2);
    setup |= posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (cwd != NULL) setup |= posix_spawn_file_actions_addchdir_np(&actions, cwd);
    if (setup != 0) {
        *error_number = setup;
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        close(master);
        return MUX_SPAWN_SETUP;
    }

    pid_t child = 0;
    rc = posix_spawn(&child, executable, &actions, &attr, (char *const *)argv, (char *const *)envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        *error_number = rc;
        close(master);
        return MUX_SPAWN_EXECUTABLE;
    }
    *master_fd = master;
    *pid = child;
    return MUX_SPAWN_OK;
}
