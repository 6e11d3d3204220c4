// SPDX-License-Identifier: GPL-2.0
/*
 * Built by scripts/uapi-check.sh against the uapi headers that "make
 * headers" installs from the series tree, as C (C99 and later) and C++
 * (C++11 and later), with gcc and clang, -pedantic-errors.
 *
 * Besides building, it pins <linux/rseq.h> to the ABI of mainline 7.2's
 * header: every number below is written out from that header and its
 * documentation, not taken from the series, so a program built against
 * 7.2's <linux/rseq.h> and one built against the series' header agree on
 * every constant, offset, size and alignment.
 */
#include <stddef.h>
#include <linux/auxvec.h>
#include <linux/rseq.h>

/* A static assertion that C99 and C++11 both accept. */
#define ABI(name, cond)	typedef char abi_##name[(cond) ? 1 : -1]

/* Registration flags and the in-band feature status bits. */
ABI(unregister, RSEQ_FLAG_UNREGISTER == 1);
ABI(slice_default_on, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON == 2);
ABI(no_restart_preempt, RSEQ_CS_FLAG_NO_RESTART_ON_PREEMPT == 1);
ABI(no_restart_signal, RSEQ_CS_FLAG_NO_RESTART_ON_SIGNAL == 2);
ABI(no_restart_migrate, RSEQ_CS_FLAG_NO_RESTART_ON_MIGRATE == 4);
ABI(slice_available_bit, RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE_BIT == 4);
ABI(slice_enabled_bit, RSEQ_CS_FLAG_SLICE_EXT_ENABLED_BIT == 5);
ABI(slice_available, RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE == 0x10);
ABI(slice_enabled, RSEQ_CS_FLAG_SLICE_EXT_ENABLED == 0x20);
ABI(cpu_id_uninit, RSEQ_CPU_ID_UNINITIALIZED == -1);
ABI(cpu_id_failed, RSEQ_CPU_ID_REGISTRATION_FAILED == -2);
ABI(at_feature_size, AT_RSEQ_FEATURE_SIZE == 27);
ABI(at_align, AT_RSEQ_ALIGN == 28);

/* struct rseq_cs */
ABI(cs_size, sizeof(struct rseq_cs) == 32);
ABI(cs_align, __alignof__(struct rseq_cs) == 32);
ABI(cs_start_ip, offsetof(struct rseq_cs, start_ip) == 8);
ABI(cs_abort_ip, offsetof(struct rseq_cs, abort_ip) == 24);

/* struct rseq: the 7.x layout, feature size 33 */
ABI(cpu_id_start, offsetof(struct rseq, cpu_id_start) == 0);
ABI(cpu_id, offsetof(struct rseq, cpu_id) == 4);
ABI(rseq_cs, offsetof(struct rseq, rseq_cs) == 8);
ABI(flags, offsetof(struct rseq, flags) == 16);
ABI(node_id, offsetof(struct rseq, node_id) == 20);
ABI(mm_cid, offsetof(struct rseq, mm_cid) == 24);
ABI(slice_ctrl, offsetof(struct rseq, slice_ctrl) == 28);
ABI(reserved, offsetof(struct rseq, __reserved) == 32);
ABI(end, offsetof(struct rseq, end) == 33);
ABI(size, sizeof(struct rseq) == 64);
ABI(align, __alignof__(struct rseq) == 32);

/* struct rseq_slice_ctrl */
ABI(slice_size, sizeof(struct rseq_slice_ctrl) == 4);
ABI(slice_request, offsetof(struct rseq_slice_ctrl, request) == 0);
ABI(slice_granted, offsetof(struct rseq_slice_ctrl, granted) == 1);

int main(void)
{
	static struct rseq rs;

	rs.slice_ctrl.request = 1;
	return rs.slice_ctrl.granted + (int)rs.flags;
}
