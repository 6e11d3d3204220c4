// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the clone3() argument checks in kernel/fork.c.
 *
 * Included from kernel/fork.c so that the static helpers can be tested
 * directly. Nothing here needs shadow stack hardware: the size policy is
 * tested against explicit limits, and the kthread running the tests has
 * no user shadow stack, which is the case clone3() must reject.
 */

#include <kunit/test.h>
#include <linux/log2.h>
#include <linux/sizes.h>

struct shstk_size_case {
	u64 size;
	u64 max_size;
	bool valid;
};

static const struct shstk_size_case shstk_size_cases[] = {
	/* 0 always means "as before", whatever the architecture */
	{ 0,			0,		true },
	{ 0,			SZ_4G,		true },
	/* nothing else is possible without shadow stacks */
	{ 8,			0,		false },
	{ PAGE_SIZE,		0,		false },
	{ SZ_4G,		0,		false },
	/* a multiple of the shadow stack entry size */
	{ 1,			SZ_4G,		false },
	{ 4,			SZ_4G,		false },
	{ 7,			SZ_4G,		false },
	{ 12,			SZ_4G,		false },
	{ PAGE_SIZE + 4,	SZ_4G,		false },
	{ 8,			SZ_4G,		true },
	{ 16,			SZ_4G,		true },
	{ PAGE_SIZE - 8,	SZ_4G,		true },
	{ PAGE_SIZE,		SZ_4G,		true },
	{ 3 * PAGE_SIZE + 8,	SZ_4G,		true },
	{ SZ_64K,		SZ_4G,		true },
	/* up to and including the limit */
	{ SZ_4G - 8,		SZ_4G,		true },
	{ SZ_4G,		SZ_4G,		true },
	{ SZ_4G + 8,		SZ_4G,		false },
	{ SZ_4G + PAGE_SIZE,	SZ_4G,		false },
	{ U64_MAX - 7,		SZ_4G,		false },
	{ U64_MAX,		SZ_4G,		false },
	{ U64_MAX - 7,		U64_MAX & PAGE_MASK, false },
};

static void clone3_shstk_size_policy(struct kunit *test)
{
	const struct shstk_size_case *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shstk_size_cases); i++) {
		c = &shstk_size_cases[i];
		KUNIT_EXPECT_EQ_MSG(test,
				    clone3_shadow_stack_size_valid(c->size,
								   c->max_size,
								   8),
				    c->valid, "size %#llx max %#llx",
				    c->size, c->max_size);
	}
}

/* An accepted size still fits the limit once rounded up to a page */
static void clone3_shstk_size_rounding(struct kunit *test)
{
	const struct shstk_size_case *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shstk_size_cases); i++) {
		c = &shstk_size_cases[i];
		if (!c->size || !c->valid)
			continue;
		KUNIT_EXPECT_LE_MSG(test, PAGE_ALIGN(c->size), c->max_size,
				    "size %#llx", c->size);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(PAGE_ALIGN(c->size),
						   PAGE_SIZE));
	}
}

/* The entry size of the architecture, not a fixed 8, and none at all */
static void clone3_shstk_entry_size(struct kunit *test)
{
	unsigned int entry = arch_shstk_entry_size();

	KUNIT_EXPECT_TRUE(test, !entry || is_power_of_2(entry));

	KUNIT_EXPECT_TRUE(test, clone3_shadow_stack_size_valid(16, SZ_4G, 16));
	KUNIT_EXPECT_FALSE(test, clone3_shadow_stack_size_valid(8, SZ_4G, 16));
	KUNIT_EXPECT_TRUE(test, clone3_shadow_stack_size_valid(4, SZ_4G, 4));
	KUNIT_EXPECT_FALSE(test, clone3_shadow_stack_size_valid(8, SZ_4G, 0));
	KUNIT_EXPECT_TRUE(test, clone3_shadow_stack_size_valid(0, SZ_4G, 0));
}

static void clone3_shstk_not_enabled(struct kunit *test)
{
	struct kernel_clone_args kargs = {
		.flags = CLONE_VM,
		.stack = PAGE_SIZE,
		.stack_size = PAGE_SIZE,
	};

	/* A kthread has no user shadow stack to ask for a new one with */
	KUNIT_EXPECT_EQ(test, arch_shstk_clone_max_size(), 0);

	KUNIT_EXPECT_TRUE(test, clone3_args_valid(&kargs));

	kargs.stack = PAGE_SIZE;
	kargs.shadow_stack_size = 8;
	KUNIT_EXPECT_FALSE(test, clone3_args_valid(&kargs));

	kargs.stack = PAGE_SIZE;
	kargs.shadow_stack_size = SZ_64K;
	KUNIT_EXPECT_FALSE(test, clone3_args_valid(&kargs));
}

/* The reported flags are exactly those clone3_args_valid() accepts */
static void clone3_fields_flags(struct kunit *test)
{
	struct clone_args fields;
	unsigned int bit;

	clone3_fields(&fields);

	for (bit = 0; bit < 64; bit++) {
		struct kernel_clone_args kargs = { .flags = BIT_ULL(bit) };

		KUNIT_EXPECT_EQ_MSG(test, !!(fields.flags & BIT_ULL(bit)),
				    clone3_args_valid(&kargs), "bit %u", bit);
	}

	KUNIT_EXPECT_TRUE(test, fields.flags & CLONE_VM);
	KUNIT_EXPECT_TRUE(test, fields.flags & CLONE_CLEAR_SIGHAND);
	KUNIT_EXPECT_FALSE(test, fields.flags & CLONE_DETACHED);
	KUNIT_EXPECT_FALSE(test, fields.flags & (CSIGNAL & ~CLONE_NEWTIME));
}

/* The end of the last non-zero field is the size clone3() accepts */
static void clone3_fields_size(struct kunit *test)
{
	struct clone_args fields;
	const u64 *field = (const u64 *)&fields;
	size_t i, size = 0;

	clone3_fields(&fields);

	/* Every field up to cgroup can be used on every system */
	for (i = 0; i < CLONE_ARGS_SIZE_VER2 / sizeof(*field); i++)
		KUNIT_EXPECT_NE_MSG(test, field[i], 0, "field %zu", i);

	for (i = 0; i < sizeof(fields) / sizeof(*field); i++)
		if (field[i])
			size = (i + 1) * sizeof(*field);

	/* shadow_stack_size only where user shadow stacks exist */
	if (IS_ENABLED(CONFIG_ARCH_HAS_USER_SHADOW_STACK) &&
	    arch_shstk_entry_size()) {
		KUNIT_EXPECT_EQ(test, fields.shadow_stack_size, U64_MAX);
		KUNIT_EXPECT_EQ(test, size, CLONE_ARGS_SIZE_VER3);
	} else {
		KUNIT_EXPECT_EQ(test, fields.shadow_stack_size, 0);
		KUNIT_EXPECT_EQ(test, size, CLONE_ARGS_SIZE_VER2);
	}
}

/* Namespace flags only for the namespace types built in */
static void clone3_fields_namespaces(struct kunit *test)
{
	static const struct {
		u64 flag;
		bool built;
	} ns[] = {
		{ CLONE_NEWNS,		true },
		{ CLONE_NEWUSER,	IS_ENABLED(CONFIG_USER_NS) },
		{ CLONE_NEWPID,		IS_ENABLED(CONFIG_PID_NS) },
		{ CLONE_NEWUTS,		IS_ENABLED(CONFIG_UTS_NS) },
		{ CLONE_NEWIPC,		IS_ENABLED(CONFIG_IPC_NS) },
		{ CLONE_NEWNET,		IS_ENABLED(CONFIG_NET_NS) },
		{ CLONE_NEWTIME,	IS_ENABLED(CONFIG_TIME_NS) },
		{ CLONE_NEWCGROUP,	IS_ENABLED(CONFIG_CGROUPS) },
		{ CLONE_INTO_CGROUP,	IS_ENABLED(CONFIG_CGROUPS) },
	};
	struct clone_args fields;
	size_t i;

	clone3_fields(&fields);

	for (i = 0; i < ARRAY_SIZE(ns); i++)
		KUNIT_EXPECT_EQ_MSG(test, !!(fields.flags & ns[i].flag),
				    ns[i].built, "flag %#llx", ns[i].flag);
}

static struct kunit_case clone3_test_cases[] = {
	KUNIT_CASE(clone3_shstk_size_policy),
	KUNIT_CASE(clone3_shstk_size_rounding),
	KUNIT_CASE(clone3_shstk_entry_size),
	KUNIT_CASE(clone3_shstk_not_enabled),
	KUNIT_CASE(clone3_fields_flags),
	KUNIT_CASE(clone3_fields_size),
	KUNIT_CASE(clone3_fields_namespaces),
	{}
};

static struct kunit_suite clone3_test_suite = {
	.name = "clone3",
	.test_cases = clone3_test_cases,
};

kunit_test_suite(clone3_test_suite);
