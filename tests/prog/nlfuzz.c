// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlfuzz: hostile input for the module, from inside the guest.
 *
 *   nlfuzz netlink N SEED [UID]
 *       N random, mostly malformed requests to the ptscope family over raw
 *       generic netlink sockets: any command number, wrong attribute types
 *       and lengths, missing, duplicate and unknown attributes, nested
 *       garbage, huge, negative, kernel and non-canonical values, lying
 *       length fields; dumps abandoned after their first message and
 *       sockets closed mid-dump. With UID, the requests are sent after
 *       dropping to that uid (and its gid). Every request whose header is
 *       well formed must be answered (an error, an ack, or data); a request
 *       the kernel must drop (its length lies) must leave the socket usable.
 *   nlfuzz debugfs N SEED
 *       N garbage writes to each of /sys/kernel/debug/ptscope/{xlate,walk,
 *       maps}, each followed by a read.
 *
 * Prints a summary (errnos seen, how many carried an extack message) and
 * exits 0 when every request was answered, 1 when one was not, 2 on setup
 * errors. The kernel's side (no warning, no crash) is the harness's check.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uapi/ptscope.h"

#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define BUF 65536

static uint64_t rng;

static uint64_t next(void) /* xorshift64*: reproducible from SEED */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static unsigned int below(unsigned int n)
{
	return (unsigned int)(next() % n);
}

static pid_t target; /* a live child with some memory */

/* Values that sit on a boundary of something the module checks. */
static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0,
		1,
		0xfff,
		0x1000,
		0x1001,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x100000000ULL,
		0x7ffffffff000ULL,
		0x7ffffffff001ULL,
		0x800000000000ULL,
		0xfffffffffff000ULL,
		0x100000000000000ULL,
		0xff00000000000000ULL,
		0xffff800000000000ULL,
		0xffffffff81000000ULL,
		0xfffffffffffff000ULL,
		~0ULL,
		1ULL << 63,
		(uint64_t)-4096,
	};

	switch (below(4)) {
	case 0:
		return v[below(sizeof(v) / sizeof(v[0]))];
	case 1:
		return next();
	case 2:
		return next() & 0x7fffffffffffULL;
	default:
		return (next() & 0x7fffffffULL) << 12;
	}
}

static uint32_t a_pid(void)
{
	switch (below(6)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return (uint32_t)target;
	case 3:
		return (uint32_t)getpid();
	case 4:
		return 2; /* kthreadd */
	default:
		return (uint32_t)next();
	}
}

struct msg {
	char buf[BUF];
	size_t len;
};

static void put_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > 4096)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
}

/* One attribute: a plausible type with a plausible or wrong payload. */
static void random_attr(struct msg *m, int depth)
{
	uint16_t type = below(8) ? (uint16_t)below(PTSCOPE_A_MAX + 4) : (uint16_t)next();
	unsigned char raw[64];
	uint64_t v64;
	uint32_t v32;
	size_t n, i;

	if (!below(10))
		type |= NLA_F_NESTED;
	switch (below(9)) {
	case 0:
	case 1:
		v32 = type == PTSCOPE_A_PID ? a_pid() : (uint32_t)interesting();
		put_attr(m, type, &v32, 4);
		break;
	case 2:
	case 3:
	case 4:
		v64 = interesting();
		put_attr(m, type, &v64, 8);
		break;
	case 5: /* a wrong length */
		n = below(20);
		for (i = 0; i < n; i++)
			raw[i] = (unsigned char)next();
		put_attr(m, type, raw, n);
		break;
	case 6: /* a string, terminated or not */
		n = below(40);
		for (i = 0; i < n; i++)
			raw[i] = below(4) ? (unsigned char)('0' + below(75)) :
					    (unsigned char)next();
		if (below(2) && n)
			raw[n - 1] = 0;
		put_attr(m, type, raw, n);
		break;
	case 7: /* a nest of anything */
		if (depth < 3) {
			size_t at = m->len;
			struct nlattr *a;

			put_attr(m, type | (below(2) ? NLA_F_NESTED : 0), NULL, 0);
			n = below(4);
			for (i = 0; i < n; i++)
				random_attr(m, depth + 1);
			a = (struct nlattr *)(m->buf + at);
			a->nla_len = (uint16_t)(m->len - at);
		}
		break;
	default: /* an attribute header that lies about its length */
		if (m->len + 8 <= 4096) {
			struct nlattr *a = (struct nlattr *)(m->buf + m->len);

			a->nla_type = type;
			a->nla_len = (uint16_t)(below(2) ? below(4) : 4 + below(4096));
			memset((char *)a + 4, 0xa5, 4);
			m->len += 8;
		}
		break;
	}
}

/* Attributes a command would accept, with hostile values: gets past parsing. */
static void valid_shape(struct msg *m, int cmd)
{
	uint32_t pid = a_pid(), flags = (uint32_t)(below(2) ? below(16) : next());
	uint64_t a = interesting(), b = interesting(), id = below(2) ? below(300) : next();

	switch (cmd) {
	case PTSCOPE_CMD_XLATE:
		put_attr(m, PTSCOPE_A_PID, &pid, 4);
		put_attr(m, PTSCOPE_A_ADDR, &a, 8);
		break;
	case PTSCOPE_CMD_WALK:
		put_attr(m, PTSCOPE_A_PID, &pid, 4);
		if (below(4))
			put_attr(m, PTSCOPE_A_START, &a, 8);
		if (below(4))
			put_attr(m, PTSCOPE_A_END, &b, 8);
		if (below(2))
			put_attr(m, PTSCOPE_A_WALK_FLAGS, &flags, 4);
		break;
	case PTSCOPE_CMD_GET_VMAS:
		put_attr(m, PTSCOPE_A_PID, &pid, 4);
		break;
	case PTSCOPE_CMD_TABLES:
		put_attr(m, PTSCOPE_A_PID, &pid, 4);
		if (below(4))
			put_attr(m, PTSCOPE_A_START, &a, 8);
		if (below(4))
			put_attr(m, PTSCOPE_A_END, &b, 8);
		break;
	case PTSCOPE_CMD_PHYS:
		put_attr(m, PTSCOPE_A_ADDR, &a, 8);
		break;
	case PTSCOPE_CMD_IOMMU:
		put_attr(m, PTSCOPE_A_PCI_DEV, below(2) ? "0000:00:02.0" : "zz:zz", 13);
		if (below(2))
			put_attr(m, PTSCOPE_A_IOVA, &a, 8);
		break;
	case PTSCOPE_CMD_GET_FAULTS:
		if (below(2))
			put_attr(m, PTSCOPE_A_FAULT_ID, &id, 8);
		break;
	default:
		break;
	}
}

static int open_sock(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC), one = 1;
	struct timeval tv = { 5, 0 };

	if (fd < 0) {
		perror("nlfuzz: socket");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (below(2))
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The family's id, from the generic netlink controller. */
static int family_id(int fd)
{
	struct msg m = { .len = NLMSG_HDRLEN + GENL_HDRLEN };
	struct nlmsghdr *h = (struct nlmsghdr *)m.buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	static char rbuf[BUF];
	struct nlattr *a;
	ssize_t n;

	put_attr(&m, CTRL_ATTR_FAMILY_NAME, PTSCOPE_GENL_NAME, sizeof(PTSCOPE_GENL_NAME));
	h->nlmsg_len = (uint32_t)m.len;
	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	if (send(fd, m.buf, m.len, 0) < 0)
		return -1;
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	h = (struct nlmsghdr *)rbuf;
	if (n < (ssize_t)NLMSG_HDRLEN || h->nlmsg_type == NLMSG_ERROR)
		return -1;
	for (a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     (char *)a + NLA_HDRLEN <= rbuf + h->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
	return -1;
}

static unsigned long errnos[200], extacks, acks, data_replies, dumps_abandoned;
static unsigned long dropped_sent, unanswered, closed_mid_dump;

/* An error message's extack text, if it carries one. */
static int has_extack(struct nlmsghdr *h)
{
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct nlattr *a;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	for (a = (struct nlattr *)((char *)h + off);
	     (char *)a + NLA_HDRLEN <= (char *)h + h->nlmsg_len && a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			return 1;
	return 0;
}

/*
 * Read the answer to request @seq. Returns 1 when it ended (error, ack or a
 * dump's DONE), 0 when the caller chose to stop reading mid-dump, -1 when
 * nothing came.
 */
static int read_answer(int fd, uint32_t seq, int abandon)
{
	static char rbuf[BUF];
	struct nlmsghdr *h;
	ssize_t n;
	int seen = 0;

	for (;;) {
		n = recv(fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return seen ? 0 : -1;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue; /* the tail of an earlier abandoned answer */
			seen = 1;
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (err == 0)
					acks++;
				else
					errnos[err < 200 && err > 0 ? err : 0]++;
				extacks += err && has_extack(h);
				return 1;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 1;
			data_replies++;
			if (!(h->nlmsg_flags & NLM_F_MULTI))
				return 1; /* a doit's single reply */
		}
		if (abandon) {
			dumps_abandoned++;
			return 0;
		}
	}
}

static int fuzz_netlink(unsigned long count)
{
	int fd = open_sock(), fam = family_id(fd);
	unsigned long i;
	uint32_t seq = 1;
	struct msg *m = malloc(sizeof(*m));

	if (fam < 0 || !m) {
		fprintf(stderr, "nlfuzz: the ptscope family is not registered\n");
		return 2;
	}
	for (i = 0; i < count; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
		struct genlmsghdr *g;
		int cmd, n, k, lie = 0, abandon, ret, dump;

		memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
		m->len = NLMSG_HDRLEN + GENL_HDRLEN;
		g = NLMSG_DATA(h);
		cmd = below(10) ? (int)below(PTSCOPE_CMD_MAX + 2) : (int)(next() & 0xff);
		g->cmd = (uint8_t)cmd;
		g->version = below(10) ? PTSCOPE_GENL_VERSION : (uint8_t)next();
		g->reserved = below(20) ? 0 : (uint16_t)next();
		if (below(3))
			valid_shape(m, cmd);
		n = below(2) ? 0 : (int)below(6); /* half: well formed */
		for (k = 0; k < n; k++)
			random_attr(m, 0);
		if (!below(15)) /* a duplicate of the first attribute */
			if (m->len > NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN) {
				struct nlattr *a =
					(struct nlattr *)(m->buf + NLMSG_HDRLEN + GENL_HDRLEN);
				size_t al = NLA_ALIGN(a->nla_len);

				if (a->nla_len >= NLA_HDRLEN && m->len + al <= 4096 &&
				    NLMSG_HDRLEN + GENL_HDRLEN + al <= m->len) {
					memcpy(m->buf + m->len, a, al);
					m->len += al;
				}
			}
		h->nlmsg_len = (uint32_t)m->len;
		h->nlmsg_type = below(50) ? (uint16_t)fam : (uint16_t)below(0x20);
		/* Mostly the dump flag a command wants, so requests get past it. */
		dump = cmd == PTSCOPE_CMD_WALK || cmd == PTSCOPE_CMD_GET_VMAS ||
		       cmd == PTSCOPE_CMD_GET_FAULTS || cmd == PTSCOPE_CMD_TABLES;
		if (!below(8))
			dump = !dump;
		h->nlmsg_flags = NLM_F_REQUEST | (below(2) ? NLM_F_ACK : 0) |
				 (dump ? NLM_F_DUMP : 0);
		h->nlmsg_seq = ++seq;
		if (!below(40)) { /* the header lies: the kernel drops it */
			h->nlmsg_len = below(2) ? (uint32_t)below(NLMSG_HDRLEN) :
						  (uint32_t)(m->len + 1 + below(1000));
			lie = 1;
		} else if (!below(40)) { /* shorter than the genl header */
			h->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + below(GENL_HDRLEN));
			m->len = h->nlmsg_len;
			h->nlmsg_flags |= NLM_F_ACK;
		}
		/*
		 * Every request must be answered, so silence means a lost
		 * answer: other message types answer only an ACK request, and
		 * CLEAR_FAULTS is the one command with no reply of its own.
		 */
		if (h->nlmsg_type != fam || cmd == PTSCOPE_CMD_CLEAR_FAULTS)
			h->nlmsg_flags |= NLM_F_ACK;
		if (send(fd, m->buf, m->len, 0) < 0) {
			if (errno == ECONNREFUSED || errno == EBUSY)
				continue;
			perror("nlfuzz: send");
			return 2;
		}
		if (lie) {
			dropped_sent++;
			continue;
		}
		abandon = (h->nlmsg_flags & NLM_F_DUMP) && !below(8);
		ret = read_answer(fd, h->nlmsg_seq, abandon);
		if (ret < 0) {
			unanswered++;
			fprintf(stderr,
				"nlfuzz: request %lu (cmd %d, flags 0x%x, len %u) got no answer\n",
				i, cmd, h->nlmsg_flags, h->nlmsg_len);
		}
		if (ret == 0 || !below(200)) { /* mid-dump or not: a fresh socket */
			closed_mid_dump += ret == 0;
			close(fd);
			fd = open_sock();
		}
	}
	close(fd);
	free(m);
	return 0;
}

static int fuzz_debugfs(unsigned long count)
{
	static const char *const files[] = { "xlate", "walk", "maps" };
	char path[128], line[256], rbuf[4096];
	unsigned long i, refused = 0, accepted = 0;
	unsigned int f, k, n;

	for (i = 0; i < count; i++) {
		for (f = 0; f < 3; f++) {
			int fd;

			snprintf(path, sizeof(path), "/sys/kernel/debug/ptscope/%s", files[f]);
			switch (below(4)) {
			case 0: /* random bytes */
				n = below(sizeof(line));
				for (k = 0; k < n; k++)
					line[k] = (char)next();
				break;
			case 1: /* numbers in the right places */
				n = (unsigned int)snprintf(line, sizeof(line), "%d 0x%llx 0x%llx%s",
							   (int)a_pid(),
							   (unsigned long long)interesting(),
							   (unsigned long long)interesting(),
							   below(2) ? " pages" : "");
				break;
			case 2: /* tokens, wrong ones */
				n = (unsigned int)snprintf(line, sizeof(line), "%s %s %s",
							   below(2) ? "-1" : "99999999999",
							   below(2) ? "0x" : "pages",
							   below(2) ? "\n\n" : "0x1000 extra");
				break;
			default: /* a long line */
				n = below(2) ? sizeof(line) : below(8);
				memset(line, below(2) ? '9' : ' ', n);
				break;
			}
			fd = open(path, O_RDWR);
			if (fd < 0) {
				perror(path);
				return 2;
			}
			if (write(fd, line, n) < 0)
				refused++;
			else
				accepted++;
			while (read(fd, rbuf, sizeof(rbuf)) > 0 && below(4))
				; /* read some, or all, then close mid-way */
			close(fd);
		}
	}
	printf("debugfs: %lu writes, %lu refused with an errno, %lu accepted\n", count * 3, refused,
	       accepted);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count;
	int ret, e;

	if (argc < 4) {
		fprintf(stderr, "usage: nlfuzz netlink|debugfs N SEED [UID]\n");
		return 2;
	}
	count = strtoul(argv[2], NULL, 0);
	rng = strtoull(argv[3], NULL, 0) | 1;
	if (!strcmp(argv[1], "debugfs"))
		return fuzz_debugfs(count);
	if (strcmp(argv[1], "netlink"))
		return 2;

	if (argc > 4) { /* first, so that the target is the caller's own */
		uid_t uid = (uid_t)strtoul(argv[4], NULL, 0);

		if (setgid(uid) || setuid(uid)) {
			perror("nlfuzz: setuid");
			return 2;
		}
	}
	target = fork();
	if (target == 0) {
		size_t len = 8 << 20;
		char *p =
			mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED)
			memset(p, 1, len);
		pause();
		_exit(0);
	}
	ret = fuzz_netlink(count);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	if (ret)
		return ret;
	printf("netlink: %lu requests: %lu acks, %lu data replies, %lu with headers the kernel drops,"
	       " %lu dumps abandoned (%lu sockets closed mid-dump), %lu unanswered\n",
	       count, acks, data_replies, dropped_sent, dumps_abandoned, closed_mid_dump,
	       unanswered);
	printf("errors:");
	for (e = 0; e < 200; e++)
		if (errnos[e])
			printf(" %s=%lu", e ? strerrorname_np(e) : "other", errnos[e]);
	printf("; %lu of them with an extack message\n", extacks);
	return unanswered ? 1 : 0;
}
