/* The sandbox's only native code: the Linux calls Python does not expose, and nothing else.
 *
 * A CPython extension instead of ctypes, so that no process a strategy ever runs in has loaded
 * ctypes (a generic foreign-function interface: any address callable, any memory readable).
 * Every function here performs one fixed system call with checked arguments. ``seal()`` is
 * one-way: afterwards every function raises, so even if strategy code found this module it
 * could only get PermissionError. Built by ``Backtest.sandbox._host.native_build``.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <linux/filter.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef PR_SET_SECCOMP
#define PR_SET_SECCOMP 22
#endif
#ifndef SECCOMP_MODE_FILTER
#define SECCOMP_MODE_FILTER 2
#endif

static int sealed = 0;

static int
refuse_if_sealed(void)
{
    if (sealed) {
        PyErr_SetString(PyExc_PermissionError, "the sandbox's native helper is sealed");
        return -1;
    }
    return 0;
}

static PyObject *
os_error(const char *what)
{
    int err = errno;
    PyObject *msg = PyUnicode_FromFormat("%s: %s", what, strerror(err));
    if (msg == NULL) {
        return NULL;
    }
    PyObject *args = Py_BuildValue("(iO)", err, msg);
    Py_DECREF(msg);
    if (args != NULL) {
        PyErr_SetObject(PyExc_OSError, args);
        Py_DECREF(args);
    }
    return NULL;
}

static PyObject *
native_prctl(PyObject *self, PyObject *args)
{
    int option;
    unsigned long a2 = 0, a3 = 0, a4 = 0, a5 = 0;
    if (!PyArg_ParseTuple(args, "i|kkkk", &option, &a2, &a3, &a4, &a5) || refuse_if_sealed()) {
        return NULL;
    }
    int rc = prctl(option, a2, a3, a4, a5);
    if (rc < 0) {
        return os_error("prctl");
    }
    return PyLong_FromLong(rc);
}

static PyObject *
native_mount(PyObject *self, PyObject *args)
{
    const char *source, *target, *fstype, *data;
    unsigned long flags;
    if (!PyArg_ParseTuple(args, "zszkz", &source, &target, &fstype, &flags, &data) ||
        refuse_if_sealed()) {
        return NULL;
    }
    if (mount(source, target, fstype, flags, data) < 0) {
        return os_error("mount");
    }
    Py_RETURN_NONE;
}

static PyObject *
native_umount2(PyObject *self, PyObject *args)
{
    const char *target;
    int flags;
    if (!PyArg_ParseTuple(args, "si", &target, &flags) || refuse_if_sealed()) {
        return NULL;
    }
    if (umount2(target, flags) < 0) {
        return os_error("umount2");
    }
    Py_RETURN_NONE;
}

static PyObject *
native_pivot_root(PyObject *self, PyObject *args)
{
    const char *new_root, *put_old;
    if (!PyArg_ParseTuple(args, "ss", &new_root, &put_old) || refuse_if_sealed()) {
        return NULL;
    }
    if (syscall(SYS_pivot_root, new_root, put_old) < 0) {
        return os_error("pivot_root");
    }
    Py_RETURN_NONE;
}

static PyObject *
native_sethostname(PyObject *self, PyObject *args)
{
    const char *name;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "s#", &name, &len) || refuse_if_sealed()) {
        return NULL;
    }
    if (sethostname(name, (size_t)len) < 0) {
        return os_error("sethostname");
    }
    Py_RETURN_NONE;
}

static PyObject *
native_close_range(PyObject *self, PyObject *args)
{
    unsigned int first, last;
    if (!PyArg_ParseTuple(args, "II", &first, &last) || refuse_if_sealed()) {
        return NULL;
    }
    if (syscall(SYS_close_range, first, last, 0) < 0) {
        return os_error("close_range");
    }
    Py_RETURN_NONE;
}

/* landlock_create_ruleset(attr: bytes | None, flags) -> fd or ABI version. */
static PyObject *
native_landlock_create_ruleset(PyObject *self, PyObject *args)
{
    Py_buffer attr = {0};
    PyObject *attr_obj;
    unsigned int flags;
    if (!PyArg_ParseTuple(args, "OI", &attr_obj, &flags) || refuse_if_sealed()) {
        return NULL;
    }
    long rc;
    if (attr_obj == Py_None) {
        rc = syscall(SYS_landlock_create_ruleset, NULL, (size_t)0, flags);
    } else {
        if (PyObject_GetBuffer(attr_obj, &attr, PyBUF_SIMPLE) < 0) {
            return NULL;
        }
        rc = syscall(SYS_landlock_create_ruleset, attr.buf, (size_t)attr.len, flags);
        PyBuffer_Release(&attr);
    }
    if (rc < 0) {
        return os_error("landlock_create_ruleset");
    }
    return PyLong_FromLong(rc);
}

static PyObject *
native_landlock_add_rule(PyObject *self, PyObject *args)
{
    int ruleset_fd, rule_type;
    Py_buffer attr;
    if (!PyArg_ParseTuple(args, "iiy*", &ruleset_fd, &rule_type, &attr)) {
        return NULL;
    }
    if (refuse_if_sealed()) {
        PyBuffer_Release(&attr);
        return NULL;
    }
    long rc = syscall(SYS_landlock_add_rule, ruleset_fd, rule_type, attr.buf, 0);
    PyBuffer_Release(&attr);
    if (rc < 0) {
        return os_error("landlock_add_rule");
    }
    Py_RETURN_NONE;
}

static PyObject *
native_landlock_restrict_self(PyObject *self, PyObject *args)
{
    int ruleset_fd;
    if (!PyArg_ParseTuple(args, "i", &ruleset_fd) || refuse_if_sealed()) {
        return NULL;
    }
    if (syscall(SYS_landlock_restrict_self, ruleset_fd, 0) < 0) {
        return os_error("landlock_restrict_self");
    }
    Py_RETURN_NONE;
}

/* Load a classic-BPF seccomp program (raw struct sock_filter array). Needs no_new_privs. */
static PyObject *
native_seccomp_load(PyObject *self, PyObject *args)
{
    Py_buffer program;
    if (!PyArg_ParseTuple(args, "y*", &program)) {
        return NULL;
    }
    if (refuse_if_sealed()) {
        PyBuffer_Release(&program);
        return NULL;
    }
    if (program.len == 0 || program.len % sizeof(struct sock_filter) != 0 ||
        program.len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
        PyBuffer_Release(&program);
        PyErr_SetString(PyExc_ValueError, "not a classic-BPF program");
        return NULL;
    }
    struct sock_fprog fprog = {
        .len = (unsigned short)(program.len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)program.buf,
    };
    int rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
    PyBuffer_Release(&program);
    if (rc < 0) {
        return os_error("prctl(PR_SET_SECCOMP)");
    }
    Py_RETURN_NONE;
}

static PyObject *
native_seal(PyObject *self, PyObject *unused)
{
    sealed = 1;
    Py_RETURN_NONE;
}

static PyObject *
native_is_sealed(PyObject *self, PyObject *unused)
{
    return PyBool_FromLong(sealed);
}

static PyMethodDef native_methods[] = {
    {"prctl", native_prctl, METH_VARARGS, "prctl(option, a2=0, a3=0, a4=0, a5=0) -> int"},
    {"mount", native_mount, METH_VARARGS, "mount(source, target, fstype, flags, data)"},
    {"umount2", native_umount2, METH_VARARGS, "umount2(target, flags)"},
    {"pivot_root", native_pivot_root, METH_VARARGS, "pivot_root(new_root, put_old)"},
    {"sethostname", native_sethostname, METH_VARARGS, "sethostname(name)"},
    {"close_range", native_close_range, METH_VARARGS, "close_range(first, last)"},
    {"landlock_create_ruleset", native_landlock_create_ruleset, METH_VARARGS,
     "landlock_create_ruleset(attr or None, flags) -> int"},
    {"landlock_add_rule", native_landlock_add_rule, METH_VARARGS,
     "landlock_add_rule(ruleset_fd, rule_type, attr)"},
    {"landlock_restrict_self", native_landlock_restrict_self, METH_VARARGS,
     "landlock_restrict_self(ruleset_fd)"},
    {"seccomp_load", native_seccomp_load, METH_VARARGS, "seccomp_load(bpf_program)"},
    {"seal", native_seal, METH_NOARGS, "Make every function of this module refuse (one-way)."},
    {"is_sealed", native_is_sealed, METH_NOARGS, "Whether seal() was called."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot native_slots[] = {
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_sandbox_native",
    .m_doc = "Fixed Linux system calls for the AlgoAgent sandbox (no generic FFI).",
    .m_size = 0,
    .m_methods = native_methods,
    .m_slots = native_slots,
};

PyMODINIT_FUNC
PyInit__sandbox_native(void)
{
    return PyModuleDef_Init(&native_module);
}
