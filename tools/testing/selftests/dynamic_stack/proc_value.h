/* SPDX-License-Identifier: GPL-2.0 */
/* Reading counters from /proc files, for the dynamic_stack test and benchmark. */
#ifndef DYNAMIC_STACK_PROC_VALUE_H
#define DYNAMIC_STACK_PROC_VALUE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_VALUE	LLONG_MIN

/*
 * Value of the line starting with @key followed by ' ' or ':' in @path
 * ("name 123" in /proc/vmstat, "Key:   123 kB" in status files), or
 * NO_VALUE if the file or the line is missing.
 */
static inline long long file_value(const char *path, const char *key)
{
	size_t len = strlen(key);
	long long val = NO_VALUE;
	char line[256];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return NO_VALUE;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, len) ||
		    (line[len] != ' ' && line[len] != ':'))
			continue;
		val = strtoll(line + len + 1, NULL, 10);
		break;
	}
	fclose(f);
	return val;
}

static inline long long vmstat_read(const char *name)
{
	return file_value("/proc/vmstat", name);
}

static inline long long meminfo_kb(const char *key)
{
	return file_value("/proc/meminfo", key);
}

#endif
