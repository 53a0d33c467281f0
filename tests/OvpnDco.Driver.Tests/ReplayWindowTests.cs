using System;
using System.Linq;

namespace OvpnDco.Driver.Tests;

public class ReplayWindowTests
{
    [Test]
    public void ZeroDuplicatesAndTooOldAreRejected()
    {
        var w = default(ReplayWindow);
        Assert.That(w.Update(0, 0), Is.EqualTo(ReplayResult.ZeroId));
        Assert.That(w.Update(1, 0), Is.EqualTo(ReplayResult.Accepted));
        Assert.That(w.Update(1, 0), Is.EqualTo(ReplayResult.Duplicate));
        Assert.That(w.Update(5000, 0), Is.EqualTo(ReplayResult.Accepted));
        Assert.That(w.Update(5000 - ReplayWindow.Size + 1, 0), Is.EqualTo(ReplayResult.Accepted), "oldest id inside the window");
        Assert.That(w.Update(5000 - ReplayWindow.Size, 0), Is.EqualTo(ReplayResult.TooOld));
        Assert.That(w.Update(4999, 0), Is.EqualTo(ReplayResult.Accepted));
        Assert.That(w.Update(4999, 0), Is.EqualTo(ReplayResult.Duplicate));
    }

    [Test]
    public void ReorderedWithinWindowAcceptedOnce()
    {
        var w = default(ReplayWindow);
        // reverse blocks of 2000 ids: every id arrives less than the window size behind the highest
        var ids = Enumerable.Range(0, 10).SelectMany(b => Enumerable.Range(b * 2000 + 1, 2000).Reverse()).Select(i => (ulong)i).ToArray();
        int accepted = 0;
        foreach (var id in ids)
        {
            if (w.Update(id, 0) == ReplayResult.Accepted)
                accepted++;
        }
        foreach (var id in ids.Skip(19000))
            Assert.That(w.Update(id, 0), Is.Not.EqualTo(ReplayResult.Accepted));
        Assert.That(accepted, Is.EqualTo(20000), "every reordered packet inside the window is accepted once");
    }

    [Test]
    public void MatchesAModelOnRandomSequences()
    {
        var rng = new Random(11);
        for (int round = 0; round < 20; round++)
        {
            var w = default(ReplayWindow);
            var seen = new System.Collections.Generic.HashSet<ulong>();
            ulong highest = 0;
            for (int i = 0; i < 5000; i++)
            {
                ulong id = (ulong)Math.Max(0, (long)highest + rng.Next(-3000, 100));
                var r = w.Update(id, 0);
                ReplayResult expected;
                if (id == 0)
                    expected = ReplayResult.ZeroId;
                else if (id > highest)
                    expected = ReplayResult.Accepted;
                else if (highest - id >= ReplayWindow.Size)
                    expected = ReplayResult.TooOld;
                else if (seen.Contains(id))
                    expected = ReplayResult.Duplicate;
                else
                    expected = ReplayResult.Accepted;
                Assert.That(r, Is.EqualTo(expected), $"id {id} highest {highest}");
                if (expected == ReplayResult.Accepted)
                {
                    seen.Add(id);
                    highest = Math.Max(highest, id);
                }
            }
        }
    }

    [Test]
    public void FloorRisesAfterIdle()
    {
        var w = default(ReplayWindow);
        Assert.That(w.Update(10, 0), Is.EqualTo(ReplayResult.Accepted));
        Assert.That(w.Update(20, 1000), Is.EqualTo(ReplayResult.Accepted));
        Assert.That(w.Update(15, 31001 + 1000), Is.EqualTo(ReplayResult.TooOld), "after 30 s idle nothing below the highest");
        Assert.That(w.Update(21, 31001 + 1000), Is.EqualTo(ReplayResult.Accepted));
    }
}
