// SPDX-License-Identifier: GPL-2.0
/*
 * Negative control for scripts/uapi-check.sh: what <linux/rseq.h> guards
 * against with __extension__ (a flexible array member, an anonymous
 * structure).  Each compiler and standard must reject this in C++, and the
 * anonymous structure in C99, with -pedantic-errors, or the check proves
 * nothing.
 */
struct probe {
	union {
		unsigned int all;
		struct {
			unsigned char request;
		};
	};
	char end[];
};

int main(void)
{
	return 0;
}
