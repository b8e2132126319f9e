/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The control socket server (see ctlserver.h): the listening socket, peer
 * credentials, one connection per request, the command table and its
 * handlers.  Everything is non-blocking and bounded: a connection owns
 * a fixed request buffer and a reply buffer it may not grow past
 * CTLSERVER_OUT_MAX; replies are written as the peer reads them.
 *
 * One file of about 1,100 lines on purpose: the six commands are small
 * (a few dozen lines each) and act on the connection's own state (its
 * reply buffer, its final flush, its watch of a link), and the watch
 * (up +wait, down) is both a command and a state of the connection's
 * lifecycle (the link's changes reach it through ctlserver_link_changed()).
 * Splitting the commands off would put struct ctlserver_conn and
 * struct ctlserver behind a second header for the sake of a file count.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "ctlserver.h"
#include "ctlmsg.h"
#include "file.h"
#include "link.h"
#include "linkhttp.h"
#include "links.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "safepath.h"
#include "xmalloc.h"

#define CTLSERVER_BACKLOG	16
#define CTLSERVER_ACCEPT_BURST	16	/* accepts per wakeup */
#define CTLSERVER_FLUSH_TIMEOUT	10000	/* ms to read a final reply */
#define CTLSERVER_ACCEPT_PAUSE	1000	/* ms without accept after EMFILE */
#define CTLSERVER_NETDEV_MAX	(1024 * 1024)	/* /proc/net/dev, bytes */

enum ctlserver_conn_state {
	CTLSERVER_READING,	/* waiting for the request line */
	CTLSERVER_WATCHING,	/* up +wait, down: following the link */
	CTLSERVER_CLOSING,	/* final line queued: flush, then close */
	CTLSERVER_DEAD,		/* to be freed from the loop */
};

struct ctlserver_conn {
	TAILQ_ENTRY(ctlserver_conn)	 entry;
	struct ctlserver		*ctl;
	int				 fd;
	uid_t				 uid;
	pid_t				 pid;
	bool				 slot;	/* counts against the limits */
	enum ctlserver_conn_state	 state;
	char				 in[CTLMSG_LINE_MAX];
	size_t				 inlen;
	struct buf			 out;
	struct loop_timer		 timer;	/* request, then flush */

	/* up +wait (stages until up), down (until down) */
	char				 watch[CONF_LINK_NAME_MAX + 1];
	bool				 watch_down;	/* down, not up +wait */
	bool				 watch_dialed;	/* left DOWN/BACKOFF */
	bool				 watch_shown;
	enum link_state			 watch_last;
};

/* A link described for the protocol, and the strings m points into. */
struct ctlserver_desc {
	struct ctlmsg_link		 m;
	char				 local_ip[ADDR_STRLEN];
	char				 remote_ip[ADDR_STRLEN];
	char				*hosts;
	char				*remote_nets;
	char				*local_nets;
};

/* When a link last stopped being up, by name (across reloads). */
struct ctlserver_seen {
	char			 name[CONF_LINK_NAME_MAX + 1];
	time_t			 down_since;	/* 0: up */
};

struct ctlserver {
	struct loop			*loop;
	int				 fd;
	char				*path;
	dev_t				 dev;		/* of our socket file */
	ino_t				 ino;
	char				*group;
	gid_t				 gid;
	bool				 have_group;
	struct links			*links;
	struct linkhttp			*lh;		/* or NULL */
	ctlserver_reload_cb		 reload;
	void				*arg;		/* of reload */
	TAILQ_HEAD(, ctlserver_conn)	 conns;
	size_t				 nconns;
	struct loop_timer		 reap;
	struct loop_timer		 pause;
	struct ctlserver_seen		*seen;
	size_t				 nseen;
};

struct ctlserver_cmd {
	const char	*name;
	int		 min_names;	/* link names */
	int		 max_names;
	const char	*flag;		/* the one allowed "+flag", or NULL */
	void		(*fn)(struct ctlserver_conn *,
			    const struct ctlmsg_req *, struct link *);
};

static void	ctlserver_accept(int, short, void *);
static int	ctlserver_slot(struct ctlserver *, struct ctlserver_conn *,
		    char **);
static void	ctlserver_reap(void *);
static void	ctlserver_unpause(void *);
static void	ctlserver_seen_update(struct ctlserver *, const char *, time_t);
static void	ctlserver_conn_io(int, short, void *);
static void	ctlserver_conn_free(struct ctlserver_conn *);
static void	ctlserver_conn_kill(struct ctlserver_conn *);
static void	ctlserver_conn_flush(struct ctlserver_conn *);
static void	ctlserver_conn_finish(struct ctlserver_conn *);
static void	ctlserver_conn_request(struct ctlserver_conn *, const char *,
		    size_t);
static void	ctlserver_watch_step(struct ctlserver_conn *, struct link *);
static void	ctlserver_watch_down(struct ctlserver_conn *, struct link *);
static void	ctlserver_cmd_status(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);
static void	ctlserver_cmd_up(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);
static void	ctlserver_cmd_down(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);
static void	ctlserver_cmd_restart(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);
static void	ctlserver_cmd_reload(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);
static void	ctlserver_cmd_check(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);
static void	ctlserver_cmd_metrics(struct ctlserver_conn *,
		    const struct ctlmsg_req *, struct link *);

static const struct ctlserver_cmd ctlserver_cmds[] = {
	{ "status", 0, 1, "json", ctlserver_cmd_status },
	{ "up", 1, 1, "wait", ctlserver_cmd_up },
	{ "down", 1, 1, NULL, ctlserver_cmd_down },
	{ "restart", 1, 1, NULL, ctlserver_cmd_restart },
	{ "reload", 0, 0, NULL, ctlserver_cmd_reload },
	{ "check", 1, 1, NULL, ctlserver_cmd_check },
	{ "metrics", 0, 0, NULL, ctlserver_cmd_metrics },
};

static const char *const ctlserver_fail_class_names[] = {
	[LINK_FAIL_NONE] = "none",
	[LINK_FAIL_NETWORK] = "network",
	[LINK_FAIL_REMOTE] = "remote",
	[LINK_FAIL_HARD] = "hard",
};

/* ------------------------------------------------------------- peers */

int
ctlserver_peer_allowed(uid_t uid, gid_t gid, bool have_group, const char *group,
    char **cause)
{
	struct passwd	 pw, *res = NULL;
	gid_t		*groups = NULL;
	char		*buf = NULL;
	long		 bufsize;
	int		 n, i, r = -1, error;

	if (uid == 0)
		return 0;
	if (!have_group) {
		xasprintf(cause, "uid %lu is not root and group %s does not "
		    "exist (root creates it with 'addgroup --system %s' and "
		    "restarts vpnd)", (unsigned long)uid, group, group);
		return -1;
	}
	if ((bufsize = sysconf(_SC_GETPW_R_SIZE_MAX)) <= 0)
		bufsize = 4096;
	for (;;) {
		buf = xreallocarray(buf, 1, (size_t)bufsize);
		error = getpwuid_r(uid, &pw, buf, (size_t)bufsize, &res);
		if (error != ERANGE || bufsize >= 1024 * 1024)
			break;
		bufsize *= 2;
	}
	if (res == NULL) {
		xasprintf(cause, "uid %lu is not root and has no user name "
		    "(so no groups)", (unsigned long)uid);
		goto out;
	}
	n = 32;
	for (;;) {
		groups = xreallocarray(groups, (size_t)n, sizeof(*groups));
		i = n;
		if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &i) != -1) {
			n = i;
			break;
		}
		if (i <= n)
			n *= 2;
		else
			n = i;
		if (n > 65536) {
			xasprintf(cause, "uid %lu (%s): too many groups",
			    (unsigned long)uid, pw.pw_name);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		if (groups[i] == gid) {
			r = 0;
			goto out;
		}
	}
	xasprintf(cause, "uid %lu (%s) is not root and not in group %s; "
	    "join it with 'sudo adduser %s %s' and log in again",
	    (unsigned long)uid, pw.pw_name, group, pw.pw_name, group);
out:
	free(groups);
	free(buf);
	return r;
}

/* ------------------------------------------------------- the socket */

/* Is somebody listening on the socket file at path? */
static bool
ctlserver_answers(const struct sockaddr_un *sun)
{
	int	fd, r;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return false;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	/* EAGAIN: its backlog is full, so it is alive. */
	if (r == -1 && errno != EAGAIN && errno != EINPROGRESS) {
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

struct ctlserver *
ctlserver_open(struct loop *loop, const char *path, const char *group,
    struct links *links, struct linkhttp *lh, ctlserver_reload_cb reload,
    void *arg, char **cause)
{
	struct ctlserver	*ctl;
	struct sockaddr_un	 sun;
	struct stat		 st;
	struct group		*gr;
	struct link_info	 li;
	mode_t			 old;
	size_t			 i;
	char			*why = NULL;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		xasprintf(cause, "control socket %s: path too long (at most "
		    "%zu bytes)", path, sizeof(sun.sun_path) - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* Nobody else may replace the file before the chown and chmod. */
	if (safepath_check(path, geteuid(), SAFEPATH_PARENTS, &why) == -1) {
		xasprintf(cause, "control socket %s: %s", path, why);
		free(why);
		return NULL;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			xasprintf(cause, "control socket %s: exists and is "
			    "not a socket", path);
			return NULL;
		}
		if (ctlserver_answers(&sun)) {
			xasprintf(cause, "control socket %s: another vpnd "
			    "answers on it", path);
			return NULL;
		}
		if (unlink(path) == -1 && errno != ENOENT) {
			xasprintf(cause, "control socket %s: remove stale "
			    "socket: %s", path, strerror(errno));
			return NULL;
		}
		log_info("control socket %s: replaced a stale one", path);
	} else if (errno != ENOENT) {
		xasprintf(cause, "control socket %s: %s", path,
		    strerror(errno));
		return NULL;
	}

	/*
	 * The group first (NSS may take its time): once the socket's file
	 * exists it listens, so a client started right after vpnd meets
	 * either no socket or one that answers, never "connection refused".
	 */
	gr = getgrnam(group);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "control socket: socket: %s",
		    strerror(errno));
		return NULL;
	}
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		xasprintf(cause, "control socket %s: bind: %s", path,
		    strerror(errno));
		(void)umask(old);
		close(fd);
		return NULL;
	}
	(void)umask(old);
	if (listen(fd, CTLSERVER_BACKLOG) == -1) {
		xasprintf(cause, "control socket %s: listen: %s", path,
		    strerror(errno));
		(void)unlink(path);
		close(fd);
		return NULL;
	}

	ctl = xcalloc(1, sizeof(*ctl));
	ctl->loop = loop;
	ctl->fd = fd;
	ctl->path = xstrdup(path);
	ctl->group = xstrdup(group);
	ctl->links = links;
	ctl->lh = lh;
	ctl->reload = reload;
	ctl->arg = arg;
	TAILQ_INIT(&ctl->conns);
	loop_timer_init(&ctl->reap, ctlserver_reap, ctl);
	loop_timer_init(&ctl->pause, ctlserver_unpause, ctl);
	if (lstat(path, &st) == 0) {
		ctl->dev = st.st_dev;
		ctl->ino = st.st_ino;
	}

	if (gr != NULL) {
		ctl->gid = gr->gr_gid;
		ctl->have_group = true;
		/*
		 * Still 0600 here: no moment with a wider mode.  By path,
		 * in a directory only root (or we) may write.
		 */
		if (fchownat(AT_FDCWD, path, (uid_t)-1, ctl->gid,
		    AT_SYMLINK_NOFOLLOW) == -1 ||
		    chmod(path, 0660) == -1) {
			xasprintf(cause, "control socket %s: give to group "
			    "%s: %s", path, group, strerror(errno));
			goto fail;
		}
	} else
		log_warnx("control socket %s: group %s does not exist, only "
		    "root may use it", path, group);

	/* Links that are not up now have been down since they entered it. */
	for (i = 0; i < links_count(links); i++) {
		link_info(links_at(links, i), &li);
		ctlserver_seen_update(ctl, li.name,
		    li.state == LINK_UP ? 0 : li.since);
	}
	loop_fd_add(loop, fd, POLLIN, ctlserver_accept, ctl);
	return ctl;

fail:
	ctlserver_close(ctl);
	return NULL;
}

void
ctlserver_close(struct ctlserver *ctl)
{
	struct ctlserver_conn	*c;
	struct stat		 st;

	if (ctl == NULL)
		return;
	while ((c = TAILQ_FIRST(&ctl->conns)) != NULL)
		ctlserver_conn_free(c);
	loop_timer_cancel(ctl->loop, &ctl->reap);
	loop_timer_cancel(ctl->loop, &ctl->pause);
	if (ctl->fd != -1) {
		loop_fd_del(ctl->loop, ctl->fd);
		close(ctl->fd);
	}
	/* Only our own file: a new vpnd may have replaced it. */
	if (lstat(ctl->path, &st) == 0 && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino)
		(void)unlink(ctl->path);	/* gone already is fine */
	free(ctl->seen);
	free(ctl->path);
	free(ctl->group);
	free(ctl);
}

/* Free dead connections, from the loop. */
static void
ctlserver_reap(void *arg)
{
	struct ctlserver	*ctl = arg;
	struct ctlserver_conn	*c, *next;

	for (c = TAILQ_FIRST(&ctl->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state == CTLSERVER_DEAD)
			ctlserver_conn_free(c);
	}
}

static void
ctlserver_unpause(void *arg)
{
	struct ctlserver	*ctl = arg;

	loop_fd_events(ctl->loop, ctl->fd, POLLIN);
}

static void
ctlserver_conn_timeout(void *arg)
{
	struct ctlserver_conn	*c = arg;

	if (c->state == CTLSERVER_READING) {
		ctlmsg_put_error(&c->out, CTLMSG_E_TIMEOUT, "no request "
		    "within %d s", CTLSERVER_REQUEST_TIMEOUT / 1000);
		ctlserver_conn_finish(c);
		return;
	}
	log_warnx("control socket: dropped pid %ld: %zu bytes of its reply "
	    "not read within %d s", (long)c->pid, c->out.len,
	    CTLSERVER_FLUSH_TIMEOUT / 1000);
	ctlserver_conn_kill(c);
}

static void
ctlserver_accept(int fd, short revents, void *arg)
{
	struct ctlserver	*ctl = arg;
	struct ctlserver_conn	*c;
	struct ucred		 uc;
	socklen_t		 len;
	char			*cause = NULL;
	int			 cfd, n;

	(void)revents;
	for (n = 0; n < CTLSERVER_ACCEPT_BURST; n++) {
		cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd == -1) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			log_warn("control socket %s: accept", ctl->path);
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Do not spin on a socket that stays ready. */
				loop_fd_events(ctl->loop, fd, 0);
				loop_timer_set(ctl->loop, &ctl->pause,
				    CTLSERVER_ACCEPT_PAUSE);
			}
			return;
		}
		c = xcalloc(1, sizeof(*c));
		c->ctl = ctl;
		c->fd = cfd;
		c->state = CTLSERVER_READING;
		loop_timer_init(&c->timer, ctlserver_conn_timeout, c);
		TAILQ_INSERT_TAIL(&ctl->conns, c, entry);
		ctl->nconns++;
		loop_fd_add(ctl->loop, cfd, POLLIN, ctlserver_conn_io, c);
		loop_timer_set(ctl->loop, &c->timer, CTLSERVER_REQUEST_TIMEOUT);

		len = sizeof(uc);
		if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &uc, &len) ==
		    -1 || len != sizeof(uc)) {
			log_warn("control socket: SO_PEERCRED");
			ctlmsg_put_error(&c->out, CTLMSG_E_DENIED, "cannot "
			    "identify the peer");
			ctlserver_conn_finish(c);
			continue;
		}
		c->uid = uc.uid;
		c->pid = uc.pid;
		if (ctlserver_peer_allowed(uc.uid, ctl->gid, ctl->have_group,
		    ctl->group, &cause) == -1) {
			log_warnx("control socket: refused pid %ld: %s",
			    (long)uc.pid, cause);
			ctlmsg_put_error(&c->out, CTLMSG_E_DENIED, "%s",
			    cause);
			free(cause);
			cause = NULL;
			ctlserver_conn_finish(c);
			continue;
		}
		if (ctlserver_slot(ctl, c, &cause) == -1) {
			ctlmsg_put_error(&c->out, CTLMSG_E_BUSY, "%s", cause);
			free(cause);
			cause = NULL;
			ctlserver_conn_finish(c);
		}
	}
}

/*
 * Give c a slot: root has CTLSERVER_MAX_ROOT of its own, the others
 * CTLSERVER_MAX_PER_UID each and CTLSERVER_MAX_CONNS in all.  Refused
 * connections hold none (they only say why and close).
 */
static int
ctlserver_slot(struct ctlserver *ctl, struct ctlserver_conn *c, char **cause)
{
	struct ctlserver_conn	*o;
	size_t			 same = 0, others = 0;

	TAILQ_FOREACH(o, &ctl->conns, entry) {
		if (!o->slot || o->state == CTLSERVER_DEAD)
			continue;
		if (o->uid == c->uid)
			same++;
		if (o->uid != 0)
			others++;
	}
	if (c->uid == 0 && same >= CTLSERVER_MAX_ROOT)
		xasprintf(cause, "too many control connections of root (%d)",
		    CTLSERVER_MAX_ROOT);
	else if (c->uid != 0 && same >= CTLSERVER_MAX_PER_UID)
		xasprintf(cause, "too many control connections of uid %lu "
		    "(%d at once)", (unsigned long)c->uid,
		    CTLSERVER_MAX_PER_UID);
	else if (c->uid != 0 && others >= CTLSERVER_MAX_CONNS)
		xasprintf(cause, "too many control connections (%d)",
		    CTLSERVER_MAX_CONNS);
	else {
		c->slot = true;
		return 0;
	}
	return -1;
}

/* ------------------------------------------------------ connections */

static void
ctlserver_conn_free(struct ctlserver_conn *c)
{
	struct ctlserver	*ctl = c->ctl;

	TAILQ_REMOVE(&ctl->conns, c, entry);
	ctl->nconns--;
	loop_timer_cancel(ctl->loop, &c->timer);
	if (c->fd != -1) {
		loop_fd_del(ctl->loop, c->fd);
		close(c->fd);
	}
	buf_free(&c->out);
	free(c);
}

/*
 * Drop the connection now; it is freed from the loop, so this is safe
 * from anywhere (a link callback walking the connections, too).
 */
static void
ctlserver_conn_kill(struct ctlserver_conn *c)
{
	struct ctlserver	*ctl = c->ctl;

	if (c->state == CTLSERVER_DEAD)
		return;
	c->state = CTLSERVER_DEAD;
	loop_timer_cancel(ctl->loop, &c->timer);
	loop_fd_del(ctl->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	loop_timer_set(ctl->loop, &ctl->reap, 0);
}

/* The final line is queued: send it, then close. */
static void
ctlserver_conn_finish(struct ctlserver_conn *c)
{
	if (c->state == CTLSERVER_DEAD)
		return;
	c->state = CTLSERVER_CLOSING;
	loop_timer_set(c->ctl->loop, &c->timer, CTLSERVER_FLUSH_TIMEOUT);
	ctlserver_conn_flush(c);
}

/* Write what the peer takes; watch POLLOUT for the rest. */
static void
ctlserver_conn_flush(struct ctlserver_conn *c)
{
	ssize_t	n;
	short	events;

	if (c->state == CTLSERVER_DEAD)
		return;
	if (c->out.len > CTLSERVER_OUT_MAX) {
		log_warnx("control socket: dropped pid %ld: %zu bytes of "
		    "replies unread", (long)c->pid, c->out.len);
		ctlserver_conn_kill(c);
		return;
	}
	while (c->out.len > 0) {
		n = write(c->fd, c->out.s, c->out.len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			log_debug("control socket: write to pid %ld: %s",
			    (long)c->pid, strerror(errno));
			ctlserver_conn_kill(c);
			return;
		}
		buf_consume(&c->out, (size_t)n);
	}
	if (c->state == CTLSERVER_CLOSING && c->out.len == 0) {
		ctlserver_conn_kill(c);
		return;
	}
	/* After the request, POLLIN only notices the peer leaving. */
	events = c->state == CTLSERVER_CLOSING ? 0 : POLLIN;
	if (c->out.len > 0)
		events |= POLLOUT;
	loop_fd_events(c->ctl->loop, c->fd, events);
}

static void
ctlserver_conn_io(int fd, short revents, void *arg)
{
	struct ctlserver_conn	*c = arg;
	char			*nl, discard[512];
	ssize_t			 n;

	if (revents & POLLOUT) {
		ctlserver_conn_flush(c);
		if (c->state == CTLSERVER_DEAD)
			return;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	if (c->state != CTLSERVER_READING) {
		/* One request per connection: the rest is ignored. */
		n = read(fd, discard, sizeof(discard));
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
			ctlserver_conn_kill(c);	/* the peer left */
		return;
	}

	n = read(fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			ctlserver_conn_kill(c);
		return;
	}
	if (n == 0) {
		if (c->inlen > 0)
			log_debug("control socket: pid %ld left in the middle "
			    "of a request", (long)c->pid);
		ctlserver_conn_kill(c);
		return;
	}
	c->inlen += (size_t)n;
	if ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
		loop_timer_cancel(c->ctl->loop, &c->timer);
		ctlserver_conn_request(c, c->in, (size_t)(nl - c->in));
		return;
	}
	if (c->inlen == sizeof(c->in)) {
		ctlmsg_put_error(&c->out, CTLMSG_E_USAGE, "request longer "
		    "than %d bytes", CTLMSG_LINE_MAX - 1);
		ctlserver_conn_finish(c);
	}
}

/* ---------------------------------------------------------- requests */

static void
ctlserver_conn_request(struct ctlserver_conn *c, const char *line, size_t len)
{
	struct ctlmsg_req		 req;
	const struct ctlserver_cmd	*cmd = NULL;
	enum ctlmsg_error		 kind;
	struct link			*l = NULL;
	const char			*name = NULL;
	char				*cause = NULL;
	size_t				 i;
	int				 a, nnames = 0;

	if (ctlmsg_req_parse(line, len, &req, &kind, &cause) == -1) {
		ctlmsg_put_error(&c->out, kind, "%s", cause);
		free(cause);
		goto finish;
	}
	for (i = 0; i < sizeof(ctlserver_cmds) / sizeof(ctlserver_cmds[0]); i++)
		if (strcmp(req.cmd, ctlserver_cmds[i].name) == 0)
			cmd = &ctlserver_cmds[i];
	if (cmd == NULL) {
		ctlmsg_put_error(&c->out, CTLMSG_E_USAGE, "unknown command "
		    "'%.32s'", req.cmd);
		goto finish;
	}
	for (a = 0; a < req.argc; a++) {
		if (req.argv[a][0] == '+') {
			if (cmd->flag == NULL ||
			    strcmp(req.argv[a] + 1, cmd->flag) != 0) {
				ctlmsg_put_error(&c->out, CTLMSG_E_USAGE,
				    "%s: unknown flag '%.32s'", cmd->name,
				    req.argv[a]);
				goto finish;
			}
			continue;
		}
		name = req.argv[a];
		nnames++;
	}
	if (nnames < cmd->min_names || nnames > cmd->max_names) {
		ctlmsg_put_error(&c->out, CTLMSG_E_USAGE, "%s: %s",
		    cmd->name, cmd->max_names == 0 ? "takes no link name" :
		    nnames < cmd->min_names ? "missing link name" :
		    "takes one link name");
		goto finish;
	}
	if (name != NULL && (l = links_find(c->ctl->links, name)) == NULL) {
		ctlmsg_put_error(&c->out, CTLMSG_E_USAGE, "no such link: "
		    "%.32s", name);
		goto finish;
	}
	log_debug("control socket: uid %lu pid %ld: %s%s%s",
	    (unsigned long)c->uid, (long)c->pid, req.cmd,
	    name != NULL ? " " : "", name != NULL ? name : "");
	cmd->fn(c, &req, l);
	if (c->state == CTLSERVER_WATCHING) {
		ctlserver_conn_flush(c);
		return;
	}
finish:
	ctlserver_conn_finish(c);
}

/* ----------------------------------------------------------- status */

static time_t
ctlserver_down_since(struct ctlserver *ctl, const struct link_info *li)
{
	size_t	i;

	if (li->state == LINK_UP)
		return 0;
	for (i = 0; i < ctl->nseen; i++)
		if (strcmp(ctl->seen[i].name, li->name) == 0 &&
		    ctl->seen[i].down_since != 0)
			return ctl->seen[i].down_since;
	return li->since;
}

/* "a,b,c" of the nets, or NULL for none. */
static char *
ctlserver_nets(const struct conf_nets *nets)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 a[ADDR_STRLEN], *s;
	size_t		 i;

	if (nets->n == 0)
		return NULL;
	for (i = 0; i < nets->n; i++) {
		if (i > 0)
			buf_add(&b, ",", 1);
		addr_format(&nets->v[i].prefix, a, sizeof(a));
		buf_add(&b, a, strlen(a));
	}
	s = xstrndup(b.s, b.len);
	buf_free(&b);
	return s;
}

/* Fill d for l; ctlserver_desc_clear() it after use. */
static void
ctlserver_describe(struct ctlserver *ctl, struct link *l,
    struct ctlserver_desc *d)
{
	struct ctlmsg_link	*m = &d->m;
	const struct link_conf	*lc;
	struct link_info	 li;
	struct buf		 b = { NULL, 0, 0 };
	size_t			 i;

	link_info(l, &li);
	memset(d, 0, sizeof(*d));
	m->name = li.name;
	m->ifname = li.ifname;
	m->state = link_state_name(li.state);
	m->since = li.since;
	m->down_since = ctlserver_down_since(ctl, &li);
	m->wanted = li.wanted;
	m->reason = li.reason;
	m->fail_class = (size_t)li.fclass < sizeof(ctlserver_fail_class_names) /
	    sizeof(ctlserver_fail_class_names[0]) ?
	    ctlserver_fail_class_names[li.fclass] : "?";
	m->needs_attention = li.needs_attention;
	m->redials = li.redials;
	m->next_dial = li.next_dial;
	m->host = li.host;
	m->port = li.host != NULL ? li.port : -1;
	m->bytes_in = li.bytes_in;
	m->bytes_out = li.bytes_out;
	m->rtt_us = li.rtt_us;
	m->dns = li.dns;
	m->fails_network = li.failures[LINK_FAIL_NETWORK];
	m->fails_remote = li.failures[LINK_FAIL_REMOTE];
	m->fails_hard = li.failures[LINK_FAIL_HARD];
	if ((lc = conf_link_find(links_conf(ctl->links), li.name)) != NULL) {
		m->local_ip = addr_ntop(&lc->local_ip, d->local_ip,
		    sizeof(d->local_ip));
		m->remote_ip = addr_ntop(&lc->remote_ip, d->remote_ip,
		    sizeof(d->remote_ip));
		for (i = 0; i < lc->hosts.n; i++)
			buf_printf(&b, "%s%s:%d", i > 0 ? "," : "",
			    lc->hosts.v[i].name, lc->hosts.v[i].port > 0 ?
			    lc->hosts.v[i].port : lc->port);
		if (b.len > 0)
			m->hosts = d->hosts = xstrndup(b.s, b.len);
		buf_free(&b);
		d->remote_nets = ctlserver_nets(&lc->remote_nets);
		d->local_nets = ctlserver_nets(&lc->local_nets);
		m->remote_nets = d->remote_nets;
		m->local_nets = d->local_nets;
	}
	if (ctl->lh != NULL)
		linkhttp_describe(ctl->lh, link_name(l), m);
}

static void
ctlserver_desc_clear(struct ctlserver_desc *d)
{
	free(d->hosts);
	free(d->remote_nets);
	free(d->local_nets);
	memset(d, 0, sizeof(*d));
}

static void
ctlserver_cmd_status(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *only)
{
	struct ctlserver	*ctl = c->ctl;
	struct ctlserver_desc	 d;
	struct link		*l;
	size_t			 i, n;
	char			*none;
	bool			 json = ctlmsg_req_flag(req, "json");

	if (json)
		buf_printf(&c->out, "%s json {\"version\":1,"
		    "\"time\":%lld,\"links\":[", CTLMSG_VERSION,
		    (long long)time(NULL));
	n = links_count(ctl->links);
	for (i = 0; i < n; i++) {
		l = links_at(ctl->links, i);
		if (only != NULL && l != only)
			continue;
		ctlserver_describe(ctl, l, &d);
		if (!json)
			ctlmsg_put_link(&c->out, CTLMSG_LINK, &d.m);
		else {
			if (c->out.s[c->out.len - 1] != '[')
				buf_add(&c->out, ",", 1);
			ctlmsg_put_link_json(&c->out, &d.m);
		}
		ctlserver_desc_clear(&d);
	}
	if (json) {
		buf_add(&c->out, "]}\n", 3);
		ctlmsg_put_text(&c->out, CTLMSG_OK, NULL);
	} else if (n == 0) {
		/* Say it, and where the links would be. */
		xasprintf(&none, "no links in %s",
		    links_conf(ctl->links)->file);
		ctlmsg_put_text(&c->out, CTLMSG_OK, none);
		free(none);
	} else
		ctlmsg_put_text(&c->out, CTLMSG_OK, NULL);
}

static void
ctlserver_cmd_check(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *l)
{
	struct ctlserver_desc	d;

	(void)req;
	ctlserver_describe(c->ctl, l, &d);
	ctlmsg_put_link(&c->out, CTLMSG_LINK, &d.m);
	if (link_state(l) == LINK_UP)
		ctlmsg_put_text(&c->out, CTLMSG_OK, NULL);
	else if (d.m.reason != NULL)
		ctlmsg_put_error(&c->out, CTLMSG_E_FAILED, "link %s is %s: %s",
		    d.m.name, d.m.state, d.m.reason);
	else
		ctlmsg_put_error(&c->out, CTLMSG_E_FAILED, "link %s is %s",
		    d.m.name, d.m.state);
	ctlserver_desc_clear(&d);
}

/* ---------------------------------------------------------- metrics */

void
ctlserver_metrics(struct ctlserver *ctl, struct buf *b)
{
	struct ctlserver_desc	*d;
	struct metrics_link	*v;
	struct metrics_heap	 heap;
	char			*netdev = NULL, *cause = NULL;
	size_t			 i, n, len;

	n = links_count(ctl->links);
	d = xcalloc(n + 1, sizeof(*d));
	v = xcalloc(n + 1, sizeof(*v));
	if (file_read(METRICS_PROC_NET_DEV, CTLSERVER_NETDEV_MAX, NULL,
	    &netdev, &len, &cause) == -1) {
		/* Every scrape would say it again: debug only. */
		log_debug("metrics without interface counters: %s", cause);
		free(cause);
	}
	for (i = 0; i < n; i++) {
		ctlserver_describe(ctl, links_at(ctl->links, i), &d[i]);
		v[i].m = &d[i].m;
		v[i].has_if = netdev != NULL && d[i].m.ifname != NULL &&
		    metrics_ifstats_parse(netdev, d[i].m.ifname,
		    &v[i].ifs) == 0;
	}
	metrics_heap_read(&heap);
	metrics_put(b, v, n, &heap);
	for (i = 0; i < n; i++)
		ctlserver_desc_clear(&d[i]);
	free(netdev);
	free(v);
	free(d);
}

/* The exposition, a "text" line for each of its lines. */
static void
ctlserver_cmd_metrics(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *l)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*line, *nl;

	(void)req;
	(void)l;
	ctlserver_metrics(c->ctl, &b);
	for (line = b.s; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		ctlmsg_put_text(&c->out, CTLMSG_TEXT, line);
	}
	buf_free(&b);
	ctlmsg_put_text(&c->out, CTLMSG_OK, NULL);
}

/* ------------------------------------------------------ up down ... */

/* "ok NAME: TEXT" */
static void
ctlserver_ok(struct ctlserver_conn *c, struct link *l, const char *text)
{
	char	*line;

	xasprintf(&line, "%s: %s", link_name(l), text);
	ctlmsg_put_text(&c->out, CTLMSG_OK, line);
	free(line);
}

static void
ctlserver_cmd_up(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *l)
{
	if (!ctlmsg_req_flag(req, "wait")) {
		if (link_state(l) == LINK_UP) {
			link_start(l);
			ctlserver_ok(c, l, "already up");
			return;
		}
		link_start(l);
		ctlserver_ok(c, l, "dialing");
		return;
	}
	/* Watch first: link_start() may change state at once. */
	c->state = CTLSERVER_WATCHING;
	c->watch_down = false;
	(void)snprintf(c->watch, sizeof(c->watch), "%s", link_name(l));
	link_start(l);
	if (c->state == CTLSERVER_WATCHING)
		ctlserver_watch_step(c, l);
}

static void
ctlserver_cmd_down(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *l)
{
	char	*why;

	(void)req;
	if (link_state(l) == LINK_DOWN) {
		/* Not wanted any more, in case it was. */
		link_stop(l, "stopped by vpnctl");
		ctlserver_ok(c, l, "already down");
		return;
	}
	/* Reply once it is down: the teardown is bounded. */
	c->state = CTLSERVER_WATCHING;
	c->watch_down = true;
	(void)snprintf(c->watch, sizeof(c->watch), "%s", link_name(l));
	xasprintf(&why, "stopped by vpnctl (uid %lu)", (unsigned long)c->uid);
	link_stop(l, why);
	free(why);
	if (c->state == CTLSERVER_WATCHING)
		ctlserver_watch_down(c, l);
}

static void
ctlserver_cmd_restart(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *l)
{
	char	*why;

	(void)req;
	xasprintf(&why, "restarted by vpnctl (uid %lu)",
	    (unsigned long)c->uid);
	link_restart(l, why);
	free(why);
	ctlserver_ok(c, l, "restarting");
}

static void
ctlserver_cmd_reload(struct ctlserver_conn *c, const struct ctlmsg_req *req,
    struct link *l)
{
	struct ctlserver	*ctl = c->ctl;
	char			*cause = NULL, *p, *line;

	(void)req;
	(void)l;
	if (ctl->reload(ctl->arg, &cause) == 0) {
		ctlmsg_put_text(&c->out, CTLMSG_OK, "configuration reloaded");
		return;
	}
	p = cause;
	while ((line = strsep(&p, "\n")) != NULL)
		if (*line != '\0')
			ctlmsg_put_text(&c->out, CTLMSG_DETAIL, line);
	ctlmsg_put_error(&c->out, CTLMSG_E_CONFIG, "configuration refused, "
	    "the running one stays");
	free(cause);
}

/* ------------------------------------------------------- watching */

/*
 * One more state of the link watched by up +wait: show it.  End once it
 * is up, when it is taken down, and at a hard failure (host key, auth:
 * trying again will not help); other failures are shown and the watch
 * goes on through the re-dials (the client has the deadline).
 */
static void
ctlserver_watch_step(struct ctlserver_conn *c, struct link *l)
{
	struct ctlserver_desc	 d;
	const struct ctlmsg_link *m = &d.m;
	enum link_state		 s = link_state(l);
	bool			 hard;

	ctlserver_describe(c->ctl, l, &d);
	if (!c->watch_shown || s != c->watch_last) {
		ctlmsg_put_link(&c->out, CTLMSG_STAGE, m);
		c->watch_shown = true;
		c->watch_last = s;
	}
	hard = link_fail_class(l) == LINK_FAIL_HARD && c->watch_dialed;
	switch (s) {
	case LINK_UP:
		ctlserver_ok(c, l, "up");
		ctlserver_conn_finish(c);
		goto out;
	case LINK_DOWN:
	case LINK_BACKOFF:
	case LINK_STOPPING:
		if (!m->wanted) {
			if (s == LINK_STOPPING)
				break;		/* said once it is down */
			ctlmsg_put_error(&c->out, CTLMSG_E_FAILED, "link %s "
			    "was taken down%s%s", m->name,
			    m->reason != NULL ? ": " : "",
			    m->reason != NULL ? m->reason : "");
			ctlserver_conn_finish(c);
			goto out;
		}
		if (hard) {
			ctlmsg_put_error(&c->out, CTLMSG_E_FAILED, "link %s "
			    "failed: %s (this needs fixing: re-dialing will "
			    "not help)", m->name, m->reason != NULL ?
			    m->reason : "unknown reason");
			ctlserver_conn_finish(c);
			goto out;
		}
		break;		/* a re-dial comes */
	case LINK_QUEUED:
		break;		/* its turn comes */
	default:
		c->watch_dialed = true;
		break;
	}
	ctlserver_conn_flush(c);
out:
	ctlserver_desc_clear(&d);
}

/* The link watched by down: reply once it is down. */
static void
ctlserver_watch_down(struct ctlserver_conn *c, struct link *l)
{
	struct link_info	li;

	link_info(l, &li);
	if (li.state == LINK_DOWN)
		ctlserver_ok(c, l, "down");
	else if (li.wanted)
		ctlmsg_put_error(&c->out, CTLMSG_E_FAILED, "link %s was "
		    "wanted up again before it was down", li.name);
	else
		return;
	ctlserver_conn_finish(c);
}

/* Record that name is up (down_since 0) or has been down since then. */
static void
ctlserver_seen_update(struct ctlserver *ctl, const char *name,
    time_t down_since)
{
	struct ctlserver_seen	*s = NULL;
	size_t			 i, j;

	for (i = 0; i < ctl->nseen; i++)
		if (strcmp(ctl->seen[i].name, name) == 0)
			s = &ctl->seen[i];
	if (s == NULL) {
		if (ctl->nseen >= 2 * CONF_MAX_LINKS) {
			/* Forget the names no link has any more. */
			for (i = j = 0; i < ctl->nseen; i++)
				if (links_find(ctl->links,
				    ctl->seen[i].name) != NULL)
					ctl->seen[j++] = ctl->seen[i];
			ctl->nseen = j;
		}
		ctl->seen = xreallocarray(ctl->seen, ctl->nseen + 1,
		    sizeof(*ctl->seen));
		s = &ctl->seen[ctl->nseen++];
		(void)snprintf(s->name, sizeof(s->name), "%s", name);
		s->down_since = 0;
	}
	if (down_since == 0)
		s->down_since = 0;
	else if (s->down_since == 0)
		s->down_since = down_since;
}

void
ctlserver_link_changed(struct ctlserver *ctl, struct link *l)
{
	struct ctlserver_conn	*c;
	const char		*name;

	if (ctl == NULL)
		return;
	name = link_name(l);
	ctlserver_seen_update(ctl, name,
	    link_state(l) == LINK_UP ? 0 : time(NULL));
	TAILQ_FOREACH(c, &ctl->conns, entry) {
		if (c->state != CTLSERVER_WATCHING ||
		    strcmp(c->watch, name) != 0)
			continue;
		if (c->watch_down)
			ctlserver_watch_down(c, l);
		else
			ctlserver_watch_step(c, l);
	}
}
