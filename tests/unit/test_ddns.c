/* SPDX-License-Identifier: ISC */
/*
 * Copyright (c) 2026 The pppssh developers
 *
 * Unit tests for ddns.c's pure parts: the dyndns2 answer parser (every
 * return code and what it makes us do), the update URL, which addresses
 * count as public, and the credentials file.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ddns.h"
#include "xmalloc.h"

static const struct {
	const char		*body;
	int			 ret;
	enum ddns_code		 code;
	enum ddns_action	 action;
	const char		*word;
	const char		*addr;
} answers[] = {
	{ "good 192.0.2.1", 0, DDNS_GOOD, DDNS_DONE, "good", "192.0.2.1" },
	{ "good 192.0.2.1\n", 0, DDNS_GOOD, DDNS_DONE, "good", "192.0.2.1" },
	{ "  nochg 2001:db8::5\r\n", 0, DDNS_NOCHG, DDNS_DONE, "nochg",
	  "2001:db8::5" },
	{ "good", 0, DDNS_GOOD, DDNS_DONE, "good", "" },
	{ "good not-an-address", 0, DDNS_GOOD, DDNS_DONE, "good", "" },
	{ "good 999.1.1.1", 0, DDNS_GOOD, DDNS_DONE, "good", "" },
	{ "badauth", 0, DDNS_BADAUTH, DDNS_STOP, "badauth", "" },
	{ "badauth\n", 0, DDNS_BADAUTH, DDNS_STOP, "badauth", "" },
	{ "!donator", 0, DDNS_NOTDONATOR, DDNS_STOP, "!donator", "" },
	{ "notfqdn", 0, DDNS_NOTFQDN, DDNS_STOP, "notfqdn", "" },
	{ "nohost", 0, DDNS_NOHOST, DDNS_STOP, "nohost", "" },
	{ "numhost", 0, DDNS_NUMHOST, DDNS_STOP, "numhost", "" },
	{ "abuse", 0, DDNS_ABUSE, DDNS_STOP, "abuse", "" },
	{ "badagent", 0, DDNS_BADAGENT, DDNS_STOP, "badagent", "" },
	{ "dnserr", 0, DDNS_DNSERR, DDNS_HOLD_OFF, "dnserr", "" },
	{ "911", 0, DDNS_911, DDNS_HOLD_OFF, "911", "" },
	/* Only the first line counts. */
	{ "nohost\ngood 192.0.2.1", 0, DDNS_NOHOST, DDNS_STOP, "nohost", "" },
	/* Not the protocol: retry. */
	{ "", -1, DDNS_UNKNOWN, DDNS_RETRY, "", "" },
	{ "\n\n", -1, DDNS_UNKNOWN, DDNS_RETRY, "", "" },
	{ "Good 192.0.2.1", -1, DDNS_UNKNOWN, DDNS_RETRY, "", "" },
	{ "goodness", -1, DDNS_UNKNOWN, DDNS_RETRY, "", "" },
	{ "<html>502 Bad Gateway</html>", -1, DDNS_UNKNOWN, DDNS_RETRY, "",
	  "" },
	{ "averyveryverylongwordindeed", -1, DDNS_UNKNOWN, DDNS_RETRY, "",
	  "" },
};

static void
test_answers(void **state)
{
	struct ddns_answer	a;
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		r = ddns_answer_parse(answers[i].body,
		    strlen(answers[i].body), &a);
		if (r != answers[i].ret || a.code != answers[i].code ||
		    a.action != answers[i].action ||
		    strcmp(a.word, answers[i].word) != 0 ||
		    strcmp(a.addr, answers[i].addr) != 0)
			fail_msg("'%s': %d %d %d '%s' '%s'", answers[i].body,
			    r, a.code, a.action, a.word, a.addr);
	}
	/* Not NUL ended: only len bytes are read. */
	assert_int_equal(ddns_answer_parse("nochgXXXX", 5, &a), 0);
	assert_int_equal(a.code, DDNS_NOCHG);
	assert_int_equal(ddns_answer_parse("good 192.0.2.1", 8, &a), 0);
	assert_string_equal(a.addr, "");
	assert_string_equal(ddns_action_name(DDNS_STOP), "stop");
	assert_string_equal(ddns_action_name(DDNS_HOLD_OFF), "hold off");
}

static void
test_update_url(void **state)
{
	static const struct {
		const char	*base, *myip, *want;
	} t[] = {
		{ "https://x/nic/update?hostname=h.example.org", "192.0.2.1",
		  "https://x/nic/update?hostname=h.example.org&myip=192.0.2.1" },
		{ "https://x/nic/update?hostname=h&", "2001:db8::1",
		  "https://x/nic/update?hostname=h&myip=2001:db8::1" },
		{ "https://x/nic/update?", "192.0.2.1",
		  "https://x/nic/update?myip=192.0.2.1" },
		{ "https://x/nic/update", "192.0.2.1",
		  "https://x/nic/update?myip=192.0.2.1" },
		{ "https://x/nic/update?hostname=h", NULL,
		  "https://x/nic/update?hostname=h" },
	};
	char	*u;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		u = ddns_update_url(t[i].base, t[i].myip);
		assert_string_equal(u, t[i].want);
		free(u);
	}
}

static void
test_addr_public(void **state)
{
	static const struct {
		const char	*a;
		bool		 pub;
	} t[] = {
		{ "192.0.2.1", true }, { "203.0.113.9", true },
		{ "8.8.8.8", true }, { "2001:db8::1", true },
		{ "10.1.2.3", false }, { "172.16.0.1", false },
		{ "172.31.255.255", false }, { "172.32.0.1", true },
		{ "192.168.1.1", false }, { "100.64.0.1", false },
		{ "100.128.0.1", true }, { "127.0.0.1", false },
		{ "169.254.1.1", false }, { "0.0.0.0", false },
		{ "224.0.0.1", false }, { "255.255.255.255", false },
		{ "::1", false }, { "::", false }, { "fe80::1", false },
		{ "fd00::1", false }, { "::ffff:192.0.2.1", false },
		{ "ff02::1", false }, { "not an address", false },
		{ "", false },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (ddns_addr_public(t[i].a) != t[i].pub)
			fail_msg("%s: want %s", t[i].a,
			    t[i].pub ? "public" : "private");
}

static char	tmpdir[] = "/tmp/test_ddns.XXXXXX";

static char *
write_file(const char *name, const char *text, mode_t mode)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void
test_credentials(void **state)
{
	static const struct {
		const char	*text;
		mode_t		 mode;
		const char	*want;		/* NULL: error */
		const char	*cause;
	} t[] = {
		{ "user:secret\n", 0600, "user:secret", NULL },
		{ "user:secret", 0400, "user:secret", NULL },
		{ "user:se:cr et\r\nmore\n", 0600, "user:se:cr et", NULL },
		{ "user:\n", 0600, "user:", NULL },
		{ "usersecret\n", 0600, NULL, "not USER:PASSWORD" },
		{ ":secret\n", 0600, NULL, "not USER:PASSWORD" },
		{ "\n", 0600, NULL, "not USER:PASSWORD" },
		{ "", 0600, NULL, "not USER:PASSWORD" },
		{ "us\ter:x\n", 0600, NULL, "not USER:PASSWORD" },
		{ "user:secret\n", 0640, NULL, "group or world accessible" },
		{ "user:secret\n", 0604, NULL, "group or world accessible" },
	};
	char	*path, *up, *cause, big[DDNS_MAX_CREDENTIALS + 10];
	size_t	 i;
	int	 r;

	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		path = write_file("cred", t[i].text, t[i].mode);
		cause = NULL;
		r = ddns_read_credentials(path, &up, &cause);
		if (t[i].want != NULL) {
			if (r != 0)
				fail_msg("case %zu: %s", i, cause);
			assert_string_equal(up, t[i].want);
			free(up);
		} else {
			assert_int_equal(r, -1);
			assert_null(up);
			if (strstr(cause, t[i].cause) == NULL)
				fail_msg("case %zu: '%s' lacks '%s'", i, cause,
				    t[i].cause);
			free(cause);
		}
		unlink(path);
		free(path);
	}

	/* A file past the limit, even with a short first line. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[5] = ':';
	big[9] = '\n';
	path = write_file("big", big, 0600);
	assert_int_equal(ddns_read_credentials(path, &up, &cause), -1);
	assert_non_null(strstr(cause, "larger than the 1024 byte limit"));
	free(cause);
	unlink(path);
	free(path);

	/* Missing file, and a directory. */
	xasprintf(&path, "%s/none", tmpdir);
	assert_int_equal(ddns_read_credentials(path, &up, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	free(path);
	assert_int_equal(ddns_read_credentials(tmpdir, &up, &cause), -1);
	free(cause);
	rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_update_url),
		cmocka_unit_test(test_addr_public),
		cmocka_unit_test(test_credentials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
