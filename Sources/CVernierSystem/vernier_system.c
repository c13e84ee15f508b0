#define _GNU_SOURCE
#include "vernier_system.h"
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

int vernier_set_parent_death_signal(int signal) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
#else
    (void)signal;
    errno = ENOSYS;
    return -1;
#endif
}

int vernier_pipe_close_on_exec(int ends[2]) {
#ifdef __linux__
    return pipe2(ends, O_CLOEXEC);
#else
    if (pipe(ends) != 0) return -1;
    fcntl(ends[0], F_SETFD, FD_CLOEXEC);
    fcntl(ends[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int vernier_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return 0;
#endif
}

int vernier_set_allocator_thresholds(int mmap_threshold_bytes, int trim_threshold_bytes) {
#ifdef __GLIBC__
    int mmap_set = mallopt(M_MMAP_THRESHOLD, mmap_threshold_bytes);
    int trim_set = mallopt(M_TRIM_THRESHOLD, trim_threshold_bytes);
    return (mmap_set == 1 && trim_set == 1) ? 0 : -1;
#else
    (void)mmap_threshold_bytes;
    (void)trim_threshold_bytes;
    return -1;
#endif
}

int vernier_line_buffer_standard_output(void) {
    return setvbuf(stdout, NULL, _IOLBF, 0) == 0 ? 0 : -1;
}
