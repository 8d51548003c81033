/* fuzz.h - what every fuzz target defines, and the checks they share.
 *
 * Each target is one LLVMFuzzerTestOneInput. Built with clang and
 * -fsanitize=fuzzer it is a libFuzzer binary (tools/fuzz.sh); built with any
 * compiler and replay.c it is a program that feeds it the files it is given,
 * which is how ctest replays the seeds and the regression inputs. */
#ifndef KPIX_FUZZ_H
#define KPIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the code under test: says which, and aborts, so that
 * libFuzzer keeps the input as a crash. */
#define FUZZ_CHECK(cond)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, \
			        #cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

#endif
