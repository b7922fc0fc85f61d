/* boot/launch/guard.c — ties a helper process (QEMU, passt) to the launcher's life: Linux's PR_SET_PDEATHSIG makes
 * the kernel signal it when the launcher dies, even by SIGKILL, so no QEMU outlives `npm start`. Compiled once with
 * the host's cc by boot/launch/guard.ts and kept in the user's cache. Layer: build tools (host only).
 *
 *   guard exec PPID [WAIT_PATH WAIT_MS] -- CMD ARGS...
 *       SIGKILL on the launcher's death, then (optionally) waits until WAIT_PATH exists (a socket another helper
 *       creates), then execs CMD: the PID the launcher spawned is CMD's own.
 *   guard watch PPID -- CMD ARGS...
 *       for a CMD that changes its user ID (passt drops root for nobody), which clears the death signal: stays as
 *       CMD's parent, gets SIGTERM on the launcher's death and then kills CMD; exits with CMD's status.
 *
 * PPID is the launcher's PID: if it is already gone when the death signal is armed (the launcher died between fork
 * and prctl), the guard exits at once. Exit status 1 (a launcher error, never a guest exit) when CMD cannot start. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = -1;

static void on_death(int sig) {
  (void)sig;
  if (child > 0) kill(child, SIGKILL);
}

static int usage(void) {
  fputs("usage: guard exec PPID [WAIT_PATH WAIT_MS] -- CMD ARGS... | guard watch PPID -- CMD ARGS...\n", stderr);
  return 1;
}

int main(int argc, char **argv) {
  int dash = 0;
  for (int i = 1; i < argc; i++) if (strcmp(argv[i], "--") == 0) { dash = i; break; }
  if (argc < 3 || dash < 3 || dash + 1 >= argc) return usage();
  int watch = strcmp(argv[1], "watch") == 0;
  if (!watch && strcmp(argv[1], "exec") != 0) return usage();
  pid_t ppid = (pid_t)atol(argv[2]);
  if (prctl(PR_SET_PDEATHSIG, watch ? SIGTERM : SIGKILL) != 0) { perror("guard: prctl"); return 1; }
  if (getppid() != ppid) return 1;                      /* the launcher died before the signal was armed */
  char **cmd = argv + dash + 1;
  if (!watch) {
    if (dash == 5) {                                    /* wait for WAIT_PATH, polling every 5 ms */
      struct stat st;
      long waited = 0, limit = atol(argv[4]);
      struct timespec step = { 0, 5 * 1000 * 1000 };
      while (stat(argv[3], &st) != 0) {
        if (waited >= limit) { fprintf(stderr, "guard: %s did not appear within %ld ms\n", argv[3], limit); return 1; }
        nanosleep(&step, NULL);
        waited += 5;
      }
    }
    execvp(cmd[0], cmd);
    fprintf(stderr, "guard: cannot run %s: %s\n", cmd[0], strerror(errno));
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_death;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  pid_t pid = fork();
  if (pid < 0) { perror("guard: fork"); return 1; }
  if (pid == 0) {
    execvp(cmd[0], cmd);
    fprintf(stderr, "guard: cannot run %s: %s\n", cmd[0], strerror(errno));
    _exit(1);
  }
  child = pid;
  if (getppid() != ppid) kill(pid, SIGKILL);            /* the launcher died while we forked */
  int status;
  while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) return 1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 1;
}
