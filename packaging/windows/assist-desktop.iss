; Inno Setup 6 script: the Windows installer (Chinese wizard) of the one-folder build dist\assist-desktop\.
; Made on a Windows PC after the build (README, "Building the program for office PCs"):
;
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\assist-desktop.iss
;
; → dist\assist-desktop-0.1.0-setup.exe. It cannot be built or tried on Linux: tests/packaging only checks
; that it names the files the build makes. Installs for all users (or, without administrator rights, for
; the current user), adds the Start menu and an optional desktop shortcut, and removes only its own
; files: the database and backups in %LOCALAPPDATA%\AssistDesktop stay when the program is removed.
; Saved as UTF-8 with a byte-order mark: Inno Setup before 6.3 needs it to read the Chinese names.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=x.y.z (pyproject.toml's)
#endif
#define AppName "困难职工帮扶管理"
#define AppExe "assist-desktop.exe"

[Setup]
; one id for every version, so a new version installs over the old one
AppId={{68736E92-305F-4BE9-9D38-9E3BE8A0D054}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Assist Desktop
DefaultDirName={autopf}\AssistDesktop
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=assist-desktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; the program must be closed to be replaced
CloseApplications=yes

[Languages]
; ChineseSimplified.isl comes with recent Inno Setup 6 releases; for an older one, put the translation's
; ChineseSimplified.isl into Inno Setup's Languages folder first
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\assist-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
