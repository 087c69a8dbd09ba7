# Build the one-folder program dist\cashier with PyInstaller on Windows, check it, and optionally
# the Inno Setup installer (dist\installer\cashier-setup-<version>.exe).
#
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1              # build + self-check
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1 -Installer   # ... + setup.exe
#
# Needs Python 3.11+ (the "py" launcher or python on PATH) and, for -Installer, Inno Setup 6.
param(
    [switch]$NoCheck,
    [switch]$Installer,
    [string]$Venv = $(if ($env:VENV) { $env:VENV } else { ".venv" })
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..").Path
Set-Location $Root

function Invoke-Checked([string]$What, [scriptblock]$Block) {
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

$Python = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Python)) {
    Write-Host "== creating $Venv"
    if (Get-Command py -ErrorAction SilentlyContinue) {
        Invoke-Checked "venv" { py -3 -m venv $Venv }
    } else {
        Invoke-Checked "venv" { python -m venv $Venv }
    }
}
Write-Host "== installing cashier with the build extra into $Venv"
Invoke-Checked "pip install" { & $Python -m pip install --quiet -e ".[build]" }

Write-Host "== PyInstaller (installer\cashier.spec) -> dist\cashier"
$Watch = [Diagnostics.Stopwatch]::StartNew()
Invoke-Checked "PyInstaller" {
    & $Python -m PyInstaller --noconfirm --clean --log-level WARN `
        --distpath dist --workpath build\pyinstaller installer\cashier.spec
}
Write-Host ("== built dist\cashier in {0:N0} s" -f $Watch.Elapsed.TotalSeconds)

if (-not $NoCheck) {
    Write-Host "== dist\cashier\cashier.exe self-check"
    $env:QT_QPA_PLATFORM = "offscreen"
    Invoke-Checked "self-check" { & dist\cashier\cashier.exe self-check }
    Remove-Item Env:QT_QPA_PLATFORM
}

if ($Installer) {
    $Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe") |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) not found; install it from its website" }
    $Version = & $Python -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])"
    Write-Host "== Inno Setup $Version -> dist\installer"
    Invoke-Checked "ISCC" { & $Iscc "/DAppVersion=$Version" installer\cashier.iss }
}
