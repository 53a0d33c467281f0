public static class NoExports
{
    public static int F(int v) => v; // expect: IL2C0012
}
