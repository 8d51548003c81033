/* measure - run one command and record its wall time and peak memory.
 *
 * usage: measure RESULT_FILE COMMAND [ARG...]
 *
 * The command inherits measure's standard input, output and error (the
 * caller redirects them). When it ends, one line is written to RESULT_FILE:
 *     wall_s=S maxrss_kb=K exit=E signal=G user_s=U sys_s=Y
 * exit is the command's exit status (-1 when it was killed by signal G).
 * measure itself exits 0 when the line was written, 125 when it could not
 * run the command or write the file.
 *
 * Why a C program and not Python's os.wait4: Linux carries a process's
 * resident-set high-water mark across fork and exec, so a child started
 * from a Python runner reports at least the runner's own peak (10+ MB) as
 * its ru_maxrss. Started from this small program, the floor is the size of
 * this program (about 1 MB), which the bench prints as the "RSS floor".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: measure RESULT_FILE COMMAND [ARG...]\n");
		return 125;
	}
	const char *result_path = argv[1];
	FILE *result = fopen(result_path, "w");
	if (result == NULL) {
		fprintf(stderr, "measure: cannot open '%s': %s\n", result_path, strerror(errno));
		return 125;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork failed: %s\n", strerror(errno));
		fclose(result);
		return 125;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "measure: cannot run '%s': %s\n", argv[2], strerror(errno));
		_exit(127);
	}

	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	pid_t got;
	do {
		got = wait4(pid, &status, 0, &ru);
	} while (got < 0 && errno == EINTR);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (got < 0) {
		fprintf(stderr, "measure: wait4 failed: %s\n", strerror(errno));
		fclose(result);
		return 125;
	}

	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	fprintf(result, "wall_s=%.6f maxrss_kb=%ld exit=%d signal=%d user_s=%.6f sys_s=%.6f\n",
	        wall, ru.ru_maxrss, code, sig, seconds(&ru.ru_utime), seconds(&ru.ru_stime));
	if (fclose(result) != 0) {
		fprintf(stderr, "measure: cannot write '%s': %s\n", result_path, strerror(errno));
		return 125;
	}
	return 0;
}
