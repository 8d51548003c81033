/* signals.c - what every command that writes files does on SIGINT, SIGTERM
 * and SIGHUP: remove its temporary files, then die of the signal; and what
 * every command does when memory runs out. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kpix/kpix.h"

/* Ends the process as the signal would have, once nothing half-written is
 * left: the handler returns with the signal still blocked and pending, and
 * its default action then ends kpix, so that the shell reports the signal
 * (status 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129
 * for SIGHUP). */
static void on_signal(int sig)
{
	kpix_cleanup_on_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask); /* one cleanup at a time */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* a signal ignored when kpix started (nohup, a background job of
		 * a script) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* Out of memory, anywhere in kpix: nothing half-written is left, as on a
 * signal, and the exit status is 4. Nothing here allocates: the message
 * goes straight to the descriptor, and _exit skips stdio's buffers. */
void cli_out_of_memory(size_t size)
{
	static const char msg[] = "kpix: out of memory\n";
	(void)size;
	kpix_cleanup_on_signal();
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more can be said */
	}
	_exit(EXIT_INTERNAL);
}
