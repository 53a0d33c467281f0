using System.Collections.Generic;
using System.Linq;
using Mono.Cecil.Cil;
using OvpnDco.Compiler.Diagnostics;
using OvpnDco.Compiler.Metadata;

namespace OvpnDco.Compiler.Lowering;

/// <summary>
/// try/finally without exceptions: what Roslyn emits for <c>using</c> and <c>foreach</c> over struct resources.
/// Kernel code throws nothing, so a finally block runs exactly when a <c>leave</c> exits its try region: the leave
/// records where to continue (<c>finallyN_next</c>) and jumps into the handler; <c>endfinally</c> dispatches on that
/// number. A leave that exits several regions goes through each handler, innermost first. catch, filter and fault
/// handlers are refused (IL2C0004).
/// </summary>
public sealed partial class MethodLowering
{
    private List<ExceptionHandler> _finallies = new();
    private readonly Dictionary<ExceptionHandler, List<string>> _continuations = new();
    private readonly List<Stmt> _leaveStubs = new();
    private int _leaveStubCount;

    private void PrepareFinallyBlocks()
    {
        foreach (var h in _body.ExceptionHandlers)
        {
            if (h.HandlerType != ExceptionHandlerType.Finally)
                throw Error(ErrorCodes.Exceptions,
                    $"{h.HandlerType.ToString().ToLowerInvariant()} blocks are not supported in kernel code (use status returns)", h.TryStart);
            _labels.Add(h.HandlerStart.Offset);
        }
        _finallies = _body.ExceptionHandlers.ToList();
    }

    private static bool InTry(ExceptionHandler h, int offset) =>
        offset >= h.TryStart.Offset && (h.TryEnd == null || offset < h.TryEnd.Offset);

    private static bool InHandler(ExceptionHandler h, int offset) =>
        offset >= h.HandlerStart.Offset && (h.HandlerEnd == null || offset < h.HandlerEnd.Offset);

    private string NextVariable(ExceptionHandler h) => $"finally{_finallies.IndexOf(h)}_next";

    private int Continuation(ExceptionHandler h, string label)
    {
        if (!_continuations.TryGetValue(h, out var list))
            _continuations[h] = list = new List<string>();
        var index = list.IndexOf(label);
        if (index >= 0)
            return index;
        list.Add(label);
        return list.Count - 1;
    }

    private void Leave(Instruction target)
    {
        _stack.Clear(); // leave empties the evaluation stack
        var exited = _finallies
            .Where(h => InTry(h, _current.Offset) && !InTry(h, target.Offset))
            .OrderBy(h => (h.TryEnd?.Offset ?? int.MaxValue) - h.TryStart.Offset)
            .ToList();
        if (exited.Count == 0)
        {
            Goto(target);
            return;
        }
        var destination = Label(target.Offset);
        for (var i = exited.Count - 1; i >= 1; i--)
        {
            var stub = $"leave{_leaveStubCount++}";
            _leaveStubs.Add(new LabelStmt(stub));
            _leaveStubs.Add(new PlainStmt($"{NextVariable(exited[i])} = {Continuation(exited[i], destination)};"));
            _leaveStubs.Add(new GotoStmt(Label(exited[i].HandlerStart.Offset)));
            destination = stub;
        }
        Line($"{NextVariable(exited[0])} = {Continuation(exited[0], destination)};");
        _stmts.Add(new GotoStmt(Label(exited[0].HandlerStart.Offset)));
        _reachable = false;
    }

    private void EndFinally()
    {
        var handler = _finallies.Where(h => InHandler(h, _current.Offset))
            .OrderBy(h => (h.HandlerEnd?.Offset ?? int.MaxValue) - h.HandlerStart.Offset)
            .FirstOrDefault() ?? throw new CompileError(ErrorCodes.Exceptions, "endfinally outside a finally block");
        var targets = _continuations.TryGetValue(handler, out var list) ? list : new List<string>();
        _stmts.Add(new SwitchStmt(NextVariable(handler), targets.Select((_, i) => $"{i}").ToList(), targets.ToList(),
            "ovpn_rt_failfast(\"finally block entered without a continuation\");"));
        _reachable = false;
    }

    /// <summary>Declarations of the continuation variables and the stubs of multi-level leaves.</summary>
    private void AppendFinallySupport(System.Text.StringBuilder declarations)
    {
        foreach (var h in _finallies)
            declarations.Append($"    int32_t {NextVariable(h)} = 0;\n");
        _stmts.AddRange(_leaveStubs);
    }
}
