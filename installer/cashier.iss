; Inno Setup 6.3+ script: a normal Windows installer for the one-folder build in dist\cashier.
;
;   installer\build.ps1 -Installer      (builds dist\cashier, checks it, then runs ISCC on this)
;   ISCC.exe /DAppVersion=0.1.0 installer\cashier.iss
;
; Upgrades: AppId never changes, so a new version installs over the old one in place (the old
; program files are removed first). Settings, journal and logs live in the user's app-data
; folders (%LOCALAPPDATA%\cashier, chosen by platformdirs), which this installer never writes or
; deletes: they survive upgrades and uninstalling.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Cashier"
#define AppExe "cashier-gui.exe"

[Setup]
; Fixed forever: Windows recognises upgrades and the uninstaller by it. Never change it.
AppId={{6B0E3A52-7C1D-4F3E-9D8A-2E5C4B1F9A07}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=cashier contributors
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=cashier-setup-{#AppVersion}
SetupIconFile=..\resources\icons\cashier.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Ask a running terminal to close before replacing its files.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Program files of the previous version (never user data, which is not under {app}).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\cashier\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\{#AppName} (demo mode)"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{group}\{#AppName} self-check"; Filename: "{cmd}"; Parameters: "/k ""{app}\cashier.exe"" self-check"; IconFilename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
