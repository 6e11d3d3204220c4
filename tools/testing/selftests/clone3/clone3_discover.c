// SPDX-License-Identifier: GPL-2.0
/*
 * Print the struct clone_args size and the clone3() flags the running
 * kernel accepts, as reported with CLONE_ARGS_CHECK_FIELDS, and the size
 * found by probing for E2BIG the way userspace had to before.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clone3_selftests.h"

int main(void)
{
	uint64_t flags;
	size_t size;
	int ret = 0;

	printf("headers: CLONE_ARGS_SIZE_VER3 %d, sizeof(struct clone_args) %zu\n",
	       CLONE_ARGS_SIZE_VER3, sizeof(struct __clone_args));

	if (clone3_check_fields(&size, &flags)) {
		printf("CLONE_ARGS_CHECK_FIELDS: %s\n", strerror(errno));
		ret = 1;
	} else {
		printf("CLONE_ARGS_CHECK_FIELDS: clone_args size %zu, flags %#llx\n",
		       size, (unsigned long long)flags);
	}

	if (clone3_probe_size(&size)) {
		printf("E2BIG probing: %s\n", strerror(errno));
		ret = 1;
	} else {
		printf("E2BIG probing: largest accepted clone_args size %zu\n",
		       size);
	}

	return ret;
}
