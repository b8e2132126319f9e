/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * The server's host key: the key a session got (type, SHA256
 * fingerprint, the line to add to known_hosts), and its check against a known_hosts file as OpenSSH checks
 * it ("[host]:port" names, @revoked lines, a key of another type for
 * the host).  Every refusal says which file and line, and what to add
 * or replace after verifying the key.
 */
#include "config.h"

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <libssh2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "log.h"
#include "ssh.h"
#include "ssh-int.h"
#include "xmalloc.h"

struct ssh_keytype {
	int		 hostkey;	/* LIBSSH2_HOSTKEY_TYPE_* */
	int		 known;		/* LIBSSH2_KNOWNHOST_KEY_* */
	const char	*name;
};

static const struct ssh_keytype ssh_keytypes[] = {
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519,
	    "ssh-ed25519" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
	    "ecdsa-sha2-nistp256" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
	    "ecdsa-sha2-nistp384" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521,
	    "ecdsa-sha2-nistp521" },
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa" },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss" },
};

/* The server's host key, as ssh_hostkey_get() found it. */
struct ssh_key {
	const char			*blob;	/* owned by libssh2 */
	size_t				 len;
	const struct ssh_keytype	*type;
	char				*fp;	/* SHA256:... */
	char				*b64;	/* the blob in base64 */
};

/* A known_hosts entry libssh2 parsed, and the line it came from. */
struct ssh_kh_line {
	struct libssh2_knownhost	*entry;
	unsigned long			 line;
};

static char	*ssh_known_name(const char *, int);
static int	ssh_hostkey_raw(struct ssh *, const char **, size_t *, int *,
		    const unsigned char **, char **);
static int	ssh_hostkey_get(struct ssh *, struct ssh_key *, char **);
static int	ssh_key_make(struct ssh_key *, const char *, size_t, int,
		    const unsigned char *, char **);
static int	ssh_check_key(struct ssh *, const struct ssh_key *,
		    const char *, const char *, char **);
static void	ssh_key_clear(struct ssh_key *);
static const char *ssh_kh_type_name(int);
static int	ssh_kh_load(struct ssh *, LIBSSH2_KNOWNHOSTS *, const char *,
		    const struct ssh_key *, struct ssh_kh_line **, size_t *,
		    unsigned long *, char **);
static bool	ssh_kh_hash_ok(const char *);
static unsigned long ssh_kh_lineno(const struct ssh_kh_line *, size_t,
		    const struct libssh2_knownhost *);

/*
 * The host name as OpenSSH spells it in known_hosts: lower case, bare for
 * port 22, else "[host]:port".
 */
static char *
ssh_known_name(const char *host, int port)
{
	char	*name, *p;

	if (port == 22)
		name = xstrdup(host);
	else
		xasprintf(&name, "[%s]:%d", host, port);
	for (p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return name;
}

/* The session's host key: its blob, LIBSSH2_HOSTKEY_TYPE_* and SHA256. */
static int
ssh_hostkey_raw(struct ssh *s, const char **blob, size_t *len, int *type,
    const unsigned char **hash, char **cause)
{
	if (!s->handshaken) {
		xasprintf(cause, "host key: no handshake yet");
		return -1;
	}
	if ((*blob = libssh2_session_hostkey(s->session, len, type)) ==
	    NULL) {
		xasprintf(cause, "host key: %s", ssh_errmsg(s));
		return -1;
	}
	if ((*hash = (const unsigned char *)libssh2_hostkey_hash(s->session,
	    LIBSSH2_HOSTKEY_HASH_SHA256)) == NULL) {
		xasprintf(cause, "host key: no SHA256 hash: %s", ssh_errmsg(s));
		return -1;
	}
	return 0;
}

static int
ssh_hostkey_get(struct ssh *s, struct ssh_key *k, char **cause)
{
	const unsigned char	*hash;
	const char		*blob;
	size_t			 len;
	int			 type;

	memset(k, 0, sizeof(*k));
	if (ssh_hostkey_raw(s, &blob, &len, &type, &hash, cause) == -1)
		return -1;
	return ssh_key_make(k, blob, len, type, hash, cause);
}

/* Fill k from a key blob of a LIBSSH2_HOSTKEY_TYPE_* and its SHA256. */
static int
ssh_key_make(struct ssh_key *k, const char *blob, size_t len, int type,
    const unsigned char *sha256, char **cause)
{
	char	*b64;
	size_t	 i;

	memset(k, 0, sizeof(*k));
	k->blob = blob;
	k->len = len;
	for (i = 0; i < sizeof(ssh_keytypes) / sizeof(ssh_keytypes[0]); i++) {
		if (ssh_keytypes[i].hostkey == type)
			k->type = &ssh_keytypes[i];
	}
	if (k->type == NULL) {
		xasprintf(cause, "host key: unsupported key type %d", type);
		return -1;
	}
	b64 = base64_encode(sha256, 32, false);
	xasprintf(&k->fp, "SHA256:%s", b64);
	free(b64);
	k->b64 = base64_encode(k->blob, k->len, true);
	return 0;
}

static void
ssh_key_clear(struct ssh_key *k)
{
	free(k->fp);
	free(k->b64);
	memset(k, 0, sizeof(*k));
}

int
ssh_hostkey(struct ssh *s, const char *host, int port, char **type,
    char **fp, char **line, char **cause)
{
	struct ssh_key	 k;
	char		*name;

	if (ssh_hostkey_get(s, &k, cause) == -1) {
		ssh_key_clear(&k);
		return -1;
	}
	if (type != NULL)
		*type = xstrdup(k.type->name);
	if (fp != NULL)
		*fp = xstrdup(k.fp);
	if (line != NULL) {
		name = ssh_known_name(host, port);
		xasprintf(line, "%s %s %s", name, k.type->name, k.b64);
		free(name);
	}
	ssh_key_clear(&k);
	return 0;
}

static const char *
ssh_kh_type_name(int typemask)
{
	size_t	i;

	for (i = 0; i < sizeof(ssh_keytypes) / sizeof(ssh_keytypes[0]); i++) {
		if (ssh_keytypes[i].known ==
		    (typemask & LIBSSH2_KNOWNHOST_KEY_MASK))
			return ssh_keytypes[i].name;
	}
	return "unknown";
}

/*
 * A hashed host name ("|1|SALT|HASH") whose HASH is no SHA1 (20 bytes)
 * matches no host, and libssh2 1.10's check leaks an HMAC context on
 * each such entry at every check (fixed upstream, libssh2 PR 2245): so
 * it is left out before libssh2 sees it.  Any other line is left alone.
 */
static bool
ssh_kh_hash_ok(const char *line)
{
	const char	*salt, *hash, *end;
	uint8_t		*out;
	size_t		 outlen;
	bool		 ok;

	if (strncmp(line, "|1|", 3) != 0)
		return true;
	salt = line + 3;
	if ((hash = strchr(salt, '|')) == NULL)
		return false;
	hash++;
	end = hash + strcspn(hash, " \t");
	if (base64_decode(hash, (size_t)(end - hash), &out, &outlen) == -1)
		return false;
	ok = outlen == 20;
	free(out);
	return ok;
}

/*
 * Read the known_hosts file path into kh, remembering the line of each
 * entry in *lines.  Lines libssh2 cannot parse and @cert-authority lines
 * are skipped (as OpenSSH does); a @revoked line for key k sets *revoked
 * to its line number.  A missing file is empty.  Returns 0, or -1 with
 * *cause when the file cannot be read.
 */
static int
ssh_kh_load(struct ssh *s, LIBSSH2_KNOWNHOSTS *kh, const char *path,
    const struct ssh_key *k, struct ssh_kh_line **lines, size_t *nlines,
    unsigned long *revoked, char **cause)
{
	FILE				*f;
	struct libssh2_knownhost	*prev = NULL, *e;
	char				*buf = NULL, *p, *tok, *field[4];
	size_t				 bufsz = 0, cap = 0, len, nf;
	ssize_t				 n;
	unsigned long			 lineno = 0;
	int				 r = -1;

	*lines = NULL;
	*nlines = 0;
	*revoked = 0;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&buf, &bufsz, f)) != -1) {
		lineno++;
		len = (size_t)n;
		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		p = buf + strspn(buf, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (*p == '@') {
			/* @revoked HOSTS KEYTYPE KEY: refuse that key. */
			nf = 0;
			while (nf < 4 && (tok = strsep(&p, " \t")) != NULL) {
				if (*tok != '\0')
					field[nf++] = tok;
			}
			if (nf == 4 && strcmp(field[0], "@revoked") == 0 &&
			    strcmp(field[2], k->type->name) == 0 &&
			    strcmp(field[3], k->b64) == 0 && *revoked == 0)
				*revoked = lineno;
			continue;
		}
		if (!ssh_kh_hash_ok(p)) {
			log_debug("%s:%lu: ignored: a hashed host name that "
			    "is no SHA1", path, lineno);
			continue;
		}
		if (libssh2_knownhost_readline(kh, p, strlen(p),
		    LIBSSH2_KNOWNHOST_FILE_OPENSSH) != 0) {
			log_debug("%s:%lu: ignored: %s", path, lineno,
			    ssh_errmsg(s));
		}
		/*
		 * A line adds one entry per host name it lists (maybe
		 * some); the array doubles, as a line can list thousands.
		 */
		while (libssh2_knownhost_get(kh, &e, prev) == 0) {
			if (*nlines == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				*lines = xreallocarray(*lines, cap,
				    sizeof(**lines));
			}
			(*lines)[*nlines].entry = e;
			(*lines)[*nlines].line = lineno;
			(*nlines)++;
			prev = e;
		}
	}
	if (ferror(f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	r = 0;
out:
	free(buf);
	(void)fclose(f);
	return r;
}

static unsigned long
ssh_kh_lineno(const struct ssh_kh_line *lines, size_t n,
    const struct libssh2_knownhost *e)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (lines[i].entry == e)
			return lines[i].line;
	}
	return 0;
}

int
ssh_check_hostkey(struct ssh *s, const char *path, const char *host,
    int port, char **cause)
{
	const unsigned char	*hash;
	const char		*blob;
	size_t			 len;
	char			*name, *why = NULL;
	int			 type, r;

	if (ssh_hostkey_raw(s, &blob, &len, &type, &hash, &why) == 0)
		return ssh_check_hostkey_blob(s, path, host, port, blob, len,
		    type, hash, cause);
	name = ssh_known_name(host, port);
	r = ssh_error(s, SSH_FAIL_HOSTKEY, cause, "%s: %s", name, why);
	free(why);
	free(name);
	return r;
}

int
ssh_check_hostkey_blob(struct ssh *s, const char *path, const char *host,
    int port, const char *blob, size_t len, int type,
    const unsigned char *sha256, char **cause)
{
	struct ssh_key	 k;
	char		*name, *why = NULL;
	int		 r;

	name = ssh_known_name(host, port);
	if (ssh_key_make(&k, blob, len, type, sha256, &why) == -1)
		r = ssh_error(s, SSH_FAIL_HOSTKEY, cause, "%s: %s", name, why);
	else
		r = ssh_check_key(s, &k, path, name, cause);
	free(why);
	free(name);
	ssh_key_clear(&k);
	return r;
}

/* Check k, the key of name, against the known_hosts file path. */
static int
ssh_check_key(struct ssh *s, const struct ssh_key *k, const char *path,
    const char *name, char **cause)
{
	LIBSSH2_KNOWNHOSTS		*kh = NULL;
	struct libssh2_knownhost	*found = NULL;
	struct ssh_kh_line		*lines = NULL;
	size_t				 nlines = 0;
	unsigned long			 revoked = 0, lineno;
	char				*why = NULL;
	int				 rc, r = SSH_ERR, mask;

	if ((kh = libssh2_knownhost_init(s->session)) == NULL) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause, "%s: known hosts: %s",
		    name, ssh_errmsg(s));
		goto out;
	}
	if (ssh_kh_load(s, kh, path, k, &lines, &nlines, &revoked,
	    &why) == -1) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s cannot be checked: %s", name, why);
		goto out;
	}
	if (revoked != 0) {
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s is revoked in %s:%lu: %s %s", name, path,
		    revoked, k->type->name, k->fp);
		goto out;
	}

	/*
	 * Check the exact name OpenSSH would: "[host]:port" alone, never
	 * the bare host, for a port other than 22 (port -1 below).
	 */
	mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW;
	rc = libssh2_knownhost_checkp(kh, name, -1, k->blob, k->len,
	    mask | k->type->known, &found);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		r = SSH_OK;
		break;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		lineno = ssh_kh_lineno(lines, nlines, found);
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s does not match %s:%lu (POSSIBLE MITM): "
		    "server offers %s %s; if the key was changed on purpose, "
		    "after verifying it, replace that line with: %s %s %s",
		    name, path, lineno, k->type->name, k->fp, name,
		    k->type->name, k->b64);
		break;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		/* Known with a key of another type?  Say so. */
		found = NULL;
		lineno = 0;
		if (libssh2_knownhost_checkp(kh, name, -1, k->blob, k->len,
		    mask, &found) == LIBSSH2_KNOWNHOST_CHECK_MISMATCH &&
		    found != NULL)
			lineno = ssh_kh_lineno(lines, nlines, found);
		if (lineno != 0) {
			ssh_error(s, SSH_FAIL_HOSTKEY, cause,
			    "host key for %s is unknown: %s %s (%s:%lu has a "
			    "key of type %s for it); after verifying it, add "
			    "to %s: %s %s %s", name, k->type->name, k->fp, path, lineno,
			    ssh_kh_type_name(found->typemask), path, name,
			    k->type->name, k->b64);
		} else {
			ssh_error(s, SSH_FAIL_HOSTKEY, cause,
			    "host key for %s is unknown: %s %s; after "
			    "verifying it, add to %s: %s %s %s", name,
			    k->type->name, k->fp, path, name, k->type->name,
			    k->b64);
		}
		break;
	default:
		ssh_error(s, SSH_FAIL_HOSTKEY, cause,
		    "host key for %s cannot be checked against %s: %s", name,
		    path, ssh_errmsg(s));
		break;
	}

out:
	if (kh != NULL)
		libssh2_knownhost_free(kh);
	free(lines);
	free(why);
	return r;
}
