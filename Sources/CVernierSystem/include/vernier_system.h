// Linux calls that Swift cannot reach directly because their C declarations are variadic.
#ifndef VERNIER_SYSTEM_H
#define VERNIER_SYSTEM_H

/// Asks the kernel to send `signal` to the calling process when its parent thread exits
/// (Linux prctl PR_SET_PDEATHSIG). Returns 0, or -1 with errno set; elsewhere returns -1.
int vernier_set_parent_death_signal(int signal);

/// Creates a pipe whose two ends close on exec (pipe2 with O_CLOEXEC), so that no other child
/// inherits them. Returns 0, or -1 with errno set.
int vernier_pipe_close_on_exec(int ends[2]);

#include <spawn.h>

/// Makes a spawned child close every descriptor from `lowest` up before it runs, so that it inherits
/// none of the parent's sockets or files by accident (glibc's addclosefrom_np). Returns 0 or an
/// error number.
int vernier_spawn_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// Fixes glibc's mmap threshold at `mmap_threshold_bytes` (which also stops glibc raising it as large
/// blocks are freed) and returns free heap top beyond `trim_threshold_bytes` to the system
/// (mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD). Returns 0, or -1 where it is not glibc.
int vernier_set_allocator_thresholds(int mmap_threshold_bytes, int trim_threshold_bytes);

/// Makes standard output line-buffered even when it is a pipe or a file, so that a run's progress
/// reaches a log (`kubectl logs -f`, CI) as it happens rather than at exit. Returns 0 or -1.
int vernier_line_buffer_standard_output(void);

#endif
