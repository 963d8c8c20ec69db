#!/usr/bin/env python3
"""Writes test/data/pickle-global-candidates.txt: `module name` pairs a pickle could name in a
GLOBAL / STACK_GLOBAL / INST opcode, for the pickle reader's security tests (every candidate
outside lrpjs's allow-list must be refused).

Sources, all from the local Python's standard library (3.11 here):

1. every module/name pair in the pickles of CPython's own pickle tests (`test.pickletester`): each
   bytes literal of its source is scanned for protocol-0/1 `GLOBAL`/`INST` arguments and decoded
   with `pickletools.genops` to pair up the two strings before each `STACK_GLOBAL`;
2. the Python 2 <-> 3 name mappings the unpickler applies (`_compat_pickle.NAME_MAPPING`,
   `REVERSE_NAME_MAPPING`, `IMPORT_MAPPING` modules with a placeholder name);
3. a hand list of dangerous callables (code execution, processes, files, imports, attribute
   access), in their Python 2 and 3 spellings;
4. look-alikes of the allowed names (other modules holding a toolbox class name or numpy's
   `_reconstruct`, case changes, trailing dots).

Run from the repository root: `python3 scripts/write-pickle-global-candidates.py`.
"""
import _compat_pickle
import ast
import inspect
import os
import pickletools
import re
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'data', 'pickle-global-candidates.txt')
IDENT = re.compile(r'^[A-Za-z_][\w.]*$')

DANGEROUS = '''
os system | os popen | os execv | os execve | os execl | os execvp | os spawnv | os spawnl | os fork
os remove | os unlink | os rmdir | os removedirs | os rename | os kill | os putenv | os open | os fdopen
posix system | posix popen | posix execv | posix execve | posix remove | posix unlink | posix kill | posix fork
nt system | nt spawnv | nt execv | nt remove | nt unlink | nt startfile
subprocess Popen | subprocess call | subprocess run | subprocess check_call | subprocess check_output
subprocess getoutput | subprocess getstatusoutput | commands getoutput | popen2 popen2
builtins eval | builtins exec | builtins compile | builtins getattr | builtins setattr | builtins delattr
builtins __import__ | builtins open | builtins input | builtins breakpoint | builtins globals
builtins vars | builtins type | builtins object | builtins print | builtins help | builtins exit
__builtin__ eval | __builtin__ execfile | __builtin__ compile | __builtin__ getattr | __builtin__ setattr
__builtin__ __import__ | __builtin__ open | __builtin__ file | __builtin__ input | __builtin__ reload
io open | io FileIO | _io open | _io FileIO | codecs open | pathlib Path | tempfile mkstemp
shutil rmtree | shutil move | shutil copy | shutil copyfile | shutil chown | shutil make_archive
importlib import_module | importlib __import__ | imp load_source | imp load_module | runpy run_path
runpy run_module | runpy _run_code | code InteractiveInterpreter | code interact | pty spawn
socket socket | socket create_connection | urllib.request urlopen | urllib urlopen | urllib2 urlopen
http.client HTTPConnection | ftplib FTP | smtplib SMTP | telnetlib Telnet | webbrowser open
ctypes CDLL | ctypes cdll | ctypes windll | ctypes.util find_library | cffi FFI
pickle loads | pickle load | _pickle loads | cPickle loads | marshal loads | shelve open | dbm open
operator attrgetter | operator methodcaller | operator itemgetter | functools partial | functools reduce
sys exit | sys modules | sys settrace | sys setprofile | threading Thread | multiprocessing Process
asyncio create_subprocess_shell | asyncio create_subprocess_exec | signal signal | atexit register
types FunctionType | types CodeType | types LambdaType | types MethodType | types ModuleType
copyreg __newobj__ | copyreg __newobj_ex__ | copy_reg __newobj__ | copyreg add_extension
numpy load | numpy loads | numpy fromfile | numpy frombuffer | numpy save | numpy.lib.npyio load
numpy testing | numpy.f2py compile | numpy.distutils exec_command | numpy.ctypeslib load_library
numpy.core.multiarray scalar | numpy._core.multiarray scalar | numpy.core.multiarray _reconstruct_subclass
numpy.core.numeric fromstring | numpy._core.numeric frombuffer | numpy ufunc | numpy vectorize
torch load | torch._utils _rebuild_tensor_v2 | joblib load | dill loads | yaml load | jsonpickle decode
'''

LOOKALIKES = '''
os Linear | builtins Linear | modules Linear | modules.linear linear | modules.Linear Linear
modules.linear Sequential | modules.sequential Linear | modules.convolution Linear | modules.linear.Linear Linear
Modules.linear Linear | modules.linear LINEAR | modules.linear Linear. | .modules.linear Linear | modules..linear Linear
linear Sequential | sequential Linear | modules.module Module | modules Sequential | modules.sequential sequential
numpy.core.multiarray reconstruct | numpy.core _reconstruct | numpy _reconstruct | numpy.core.multiarray _Reconstruct
numpy.core.numeric _reconstruct | numpy.core.multiarray _frombuffer | numpy._core.multiarray _frombuffer
numpy Dtype | numpy.core dtype | numpy.core.multiarray dtype | numpy NDArray | numpy.core.multiarray ndarray
numpy.ma.core _mareconstruct | numpy matrix | numpy.random __RandomState_ctor | numpy.random._pickle __randomstate_ctor
copy_reg reconstructor | copyreg _reconstruct | copy _reconstruct | _codecs decode | codecs encode | _codecs lookup
builtins Object | __builtin__ Object | builtin object | builtins.object object | __builtins__ object
'''


def hand_list(text):
    pairs = [tuple(item.split()) for line in text.strip().splitlines() for item in line.split('|') if item.strip()]
    assert all(len(p) == 2 for p in pairs), [p for p in pairs if len(p) != 2]
    return pairs


def tester_pairs():
    import test.pickletester as pt
    pairs = set()
    for node in ast.walk(ast.parse(inspect.getsource(pt))):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, bytes)):
            continue
        b = node.value
        for m in re.finditer(rb'[ci]([A-Za-z_][\w.]*)\n([A-Za-z_][\w.]*)\n', b):
            pairs.add((m.group(1).decode(), m.group(2).decode()))
        strings = []
        try:
            for op, arg, _ in pickletools.genops(b):
                if op.name in ('SHORT_BINUNICODE', 'BINUNICODE', 'BINUNICODE8', 'UNICODE', 'SHORT_BINSTRING', 'BINSTRING', 'STRING'):
                    strings.append(arg if isinstance(arg, str) else None)
                elif op.name == 'STACK_GLOBAL':
                    if len(strings) >= 2 and isinstance(strings[-2], str) and isinstance(strings[-1], str):
                        pairs.add((strings[-2], strings[-1]))
                elif op.name not in ('MEMOIZE', 'BINPUT', 'PUT', 'LONG_BINPUT', 'FRAME'):
                    strings.append(None)
        except Exception:  # many literals are deliberately broken pickles; keep what was decoded
            pass
    return pairs


def compat_pairs():
    pairs = set()
    for mapping in (_compat_pickle.NAME_MAPPING, _compat_pickle.REVERSE_NAME_MAPPING):
        for (m1, n1), (m2, n2) in mapping.items():
            pairs.update({(m1, n1), (m2, n2)})
    for mapping in (_compat_pickle.IMPORT_MAPPING, _compat_pickle.REVERSE_IMPORT_MAPPING):
        for m1, m2 in mapping.items():
            pairs.update({(m1, 'system'), (m2, 'system')})
    return pairs


def main():
    pairs = tester_pairs() | compat_pairs() | set(hand_list(DANGEROUS)) | set(hand_list(LOOKALIKES))
    pairs = {(m, n) for m, n in pairs if IDENT.match(m) or m.startswith('.')}
    pairs = {(m, n) for m, n in pairs if ' ' not in m + n and '\n' not in m + n}
    with open(OUT, 'w') as f:
        f.write(f'# module name pairs for the pickle allow-list tests; written by scripts/write-pickle-global-candidates.py (python {sys.version.split()[0]})\n')
        for m, n in sorted(pairs):
            f.write(f'{m} {n}\n')
    print(f'wrote {len(pairs)} candidates to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
